import { ACTION_IDS } from '../domain/approval-card.js';
import { PICKER_ACTION_ID } from '../domain/distribution-picker.js';
import { RESET_STEP_CALLBACK_ID } from '../domain/workflow-step.js';
import { mrkdwnToTerminal, renderCardForTerminal, requestIdOfCard } from './conversation.js';
import type { SlackMessage } from './fake-slack.js';
import { DEMO_CHANNEL, DEMO_PEOPLE, LocalStand } from './local-stand.js';
import { RedisServerMissingError } from './redis-server.js';

const out = (line = '') => process.stdout.write(`${line}\n`);
const say = (who: string, what: string) => out(`\n@${who}: ${what}`);

/**
 * `npm run demo`: the real bot against local stand-ins (fake Slack, fake Lightsail, a throwaway
 * redis-server), playing the picker, a bad name, a refused self-approval, an approval and the reset,
 * a denial, a failure at Lightsail, a Workflow Builder step and the Home tab.
 */
async function demo(): Promise<void> {
  const stand = new LocalStand(process.env.REDIS_URL ? { redisUrl: process.env.REDIS_URL } : {});
  out('Starting the bot against local stand-ins (fake Slack, fake Lightsail, a throwaway Redis)...');
  try {
    await stand.start();
  } catch (error) {
    await stand.stop().catch(() => {});
    throw error;
  }
  out(`Bot listening on http://127.0.0.1:${stand.port}/slack/events; Redis at ${stand.redisUrl}\n`);
  try {
    const resets = await approvedReset(stand);
    await denial(stand);
    await failure(stand);
    await workflowStep(stand);
    await homeTab(stand);

    const calls = stand.lightsail.callsOf('ResetDistributionCache');
    out('\n── what happened on the wire ─────────────────────────────────────────');
    out(`Lightsail ResetDistributionCache calls: ${calls.length} (signed for ${calls[0]?.region ?? '?'})`);
    out(`Lightsail GetOperation calls: ${stand.lightsail.callsOf('GetOperation').length}`);
    const methods = new Map<string, number>();
    for (const call of stand.slack.calls) methods.set(call.method, (methods.get(call.method) ?? 0) + 1);
    out(`Slack Web API calls: ${[...methods].map(([m, n]) => `${m} ×${n}`).join(', ')}`);
    if (resets !== 1 || calls.length !== 3) throw new Error('the demo did not end as expected');
    out(
      '\nDemo finished: three approved requests (one reset each, one of them failed at Lightsail), one denial, one workflow step completed.',
    );
  } finally {
    await stand.stop();
  }
}

/** The picker, a bad name, a refused self-approval, then an approval and the reset: the main flow. */
async function approvedReset(stand: LocalStand): Promise<number> {
  scene('the picker, a bad name, an approval and the reset');
  say(DEMO_PEOPLE.requester, '/lightsail-reset');
  const picker = await stand.command('');
  const menu = await stand.slack.waitFor(() => stand.slack.responses.find((r) => r.id === picker.responseId));
  const options = (
    (menu.body.blocks as Array<{ accessory?: { options?: Array<{ value: string }> } }>)[0]?.accessory
      ?.options ?? []
  ).map((o) => o.value);
  out(`   (only you) ${mrkdwnToTerminal(String(menu.body.text))}`);
  out(`   [ Choose a distribution ▾ ]  ${options.join(' · ')}`);

  say(DEMO_PEOPLE.requester, '/lightsail-reset web prod');
  const bad = await stand.command('web prod');
  out(`   (only you) ${mrkdwnToTerminal(JSON.parse(bad.body).text as string).split('\n')[0]}`);

  say(DEMO_PEOPLE.requester, 'chooses web-prod in the menu');
  await stand.choose(PICKER_ACTION_ID, 'web-prod');
  const card = await cardOf(stand, 'web-prod');
  const requestId = requestIdOfCard(card) ?? '';
  out('lightsail-reset (approval card):');
  out(renderCardForTerminal(card));

  say(DEMO_PEOPLE.requester, 'clicks [ Approve ] on their own request');
  const own = await stand.click(ACTION_IDS.approve, requestId, DEMO_PEOPLE.requester, card.ts);
  const refusal = await stand.slack.waitFor(() => stand.slack.responses.find((r) => r.id === own.responseId));
  out(`   (only you) ${mrkdwnToTerminal(String(refusal.body.text))}`);

  say(DEMO_PEOPLE.approver, 'clicks [ Approve ]');
  await stand.click(ACTION_IDS.approve, requestId, DEMO_PEOPLE.approver, card.ts);
  await finalReply(stand, card);
  printThreadAndCard(stand, card);
  return stand.lightsail.callsOf('ResetDistributionCache').length;
}

async function denial(stand: LocalStand): Promise<void> {
  scene('a denial, with a reason');
  say(DEMO_PEOPLE.requester, '/lightsail-reset docs_site');
  await stand.command('docs_site');
  const card = await cardOf(stand, 'docs_site');
  const requestId = requestIdOfCard(card) ?? '';
  say(DEMO_PEOPLE.approver, 'clicks [ Deny ]; a dialog asks for an optional reason');
  await stand.click(ACTION_IDS.deny, requestId, DEMO_PEOPLE.approver, card.ts);
  say(DEMO_PEOPLE.approver, 'types "Not during the sale, please wait until 18:00" and submits');
  await stand.submitDenyReason(
    requestId,
    DEMO_PEOPLE.approver,
    'Not during the sale, please wait until 18:00',
  );
  await stand.slack.waitFor(() => stand.slack.thread(DEMO_CHANNEL, card.ts)[0]);
  printThreadAndCard(stand, card);
}

async function failure(stand: LocalStand): Promise<void> {
  scene('a reset that fails at Lightsail');
  stand.lightsail.setOperationScript({
    durationMs: 600,
    final: 'Failed',
    errorCode: 'InternalFailure',
    errorDetails: 'The origin did not answer',
  });
  say(DEMO_PEOPLE.requester, '/lightsail-reset web-staging');
  await stand.command('web-staging');
  const card = await cardOf(stand, 'web-staging');
  say(DEMO_PEOPLE.approver, 'clicks [ Approve ]');
  await stand.click(ACTION_IDS.approve, requestIdOfCard(card) ?? '', DEMO_PEOPLE.approver, card.ts);
  await finalReply(stand, card);
  printThreadAndCard(stand, card);
  stand.lightsail.setOperationScript({ durationMs: 600 });
}

async function workflowStep(stand: LocalStand): Promise<void> {
  scene('a Workflow Builder step: "Reset Lightsail cache (with approval)"');
  out('   (a release workflow reaches the step; its inputs: web-prod, reason "release 4.2")');
  const run = await stand.executeStep(RESET_STEP_CALLBACK_ID, {
    distribution_name: 'web-prod',
    reason: 'release 4.2 shipped new CSS',
    requester: DEMO_PEOPLE.requester,
    channel: DEMO_CHANNEL,
  });
  const card = await cardOf(stand, 'web-prod');
  out('lightsail-reset (approval card):');
  out(renderCardForTerminal(card));
  say(DEMO_PEOPLE.approver, 'clicks [ Approve ]');
  await stand.click(ACTION_IDS.approve, requestIdOfCard(card) ?? '', DEMO_PEOPLE.approver, card.ts);
  const done = await stand.slack.waitFor(
    () => stand.slack.completions.find((c) => c.executionId === run.executionId),
    30_000,
  );
  out(`   → the workflow's next step gets: ${JSON.stringify(done.outputs ?? done.error)}`);
}

async function homeTab(stand: LocalStand): Promise<void> {
  scene(`the Home tab of @${DEMO_PEOPLE.approver}`);
  await stand.command('web-staging', DEMO_PEOPLE.secondApprover);
  await cardOf(stand, 'web-staging');
  await stand.openHome(DEMO_PEOPLE.approver);
  const home = await stand.slack.waitFor(() => stand.slack.homeOf(DEMO_PEOPLE.approver));
  out(renderCardForTerminal({ blocks: home.blocks as unknown[] } as SlackMessage));
}

function scene(title: string): void {
  out(`\n══ ${title} ${'═'.repeat(Math.max(3, 66 - title.length))}`);
  out(`── #deploys (${DEMO_CHANNEL}) ───────────────────────────────────────────`);
}

/** The newest card about `name` in the demo channel (each scene posts its own). */
async function cardOf(stand: LocalStand, name: string): Promise<SlackMessage> {
  const before = new Set(shown);
  const card = await stand.slack.waitFor(() =>
    stand.slack
      .messages(DEMO_CHANNEL)
      .find((m) => !m.threadTs && !before.has(m.ts) && (m.text ?? '').includes(name)),
  );
  shown.add(card.ts);
  return card;
}
const shown = new Set<string>();

async function finalReply(stand: LocalStand, card: SlackMessage): Promise<void> {
  await stand.slack.waitFor(
    () => stand.slack.thread(DEMO_CHANNEL, card.ts).find((m) => /Succeeded|Failed/.test(m.text ?? '')),
    30_000,
  );
}

function printThreadAndCard(stand: LocalStand, card: SlackMessage): void {
  out('\nThread under the card:');
  for (const reply of stand.slack.thread(DEMO_CHANNEL, card.ts)) printReply(reply);
  out('\nThe card now reads:');
  out(renderCardForTerminal(stand.slack.message(DEMO_CHANNEL, card.ts) ?? card));
}

function printReply(reply: SlackMessage): void {
  out(`   ↳ ${mrkdwnToTerminal(reply.text ?? '')}`);
}

demo().then(
  () => process.exit(0),
  (error: unknown) => {
    if (error instanceof RedisServerMissingError) {
      process.stderr.write(`demo: ${error.message}\n`);
    } else {
      process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
    }
    process.exit(1);
  },
);
