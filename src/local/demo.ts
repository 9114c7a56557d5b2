import { ACTION_IDS } from '../domain/approval-card.js';
import { mrkdwnToTerminal, renderCardForTerminal, requestIdOfCard } from './conversation.js';
import type { SlackMessage } from './fake-slack.js';
import { DEMO_CHANNEL, DEMO_PEOPLE, LocalStand } from './local-stand.js';
import { RedisServerMissingError } from './redis-server.js';

const out = (line = '') => process.stdout.write(`${line}\n`);
const say = (who: string, what: string) => out(`\n@${who}: ${what}`);

/**
 * `npm run demo`: the real bot against local stand-ins (fake Slack, fake Lightsail, a throwaway
 * redis-server), playing a request, a refused self-approval, an approval and the reset.
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
  out(`── #deploys (${DEMO_CHANNEL}) ───────────────────────────────────────────`);
  try {
    say(DEMO_PEOPLE.requester, '/lightsail-reset web prod');
    const bad = await stand.command('web prod');
    out(`   (only you) ${mrkdwnToTerminal(JSON.parse(bad.body).text as string).split('\n')[0]}`);

    say(DEMO_PEOPLE.requester, '/lightsail-reset web-prod');
    await stand.command('web-prod');
    const card = await stand.slack.waitFor(() => stand.slack.messages(DEMO_CHANNEL).find((m) => !m.threadTs));
    const requestId = requestIdOfCard(card);
    if (!requestId) throw new Error('the card carries no request id');
    out('lightsail-reset (approval card):');
    out(renderCardForTerminal(card));

    say(DEMO_PEOPLE.requester, 'clicks [ Approve ] on their own request');
    await stand.click(ACTION_IDS.approve, requestId, DEMO_PEOPLE.requester, card.ts);
    const refusal = await stand.slack.waitFor(() => stand.slack.responses.at(-1));
    out(`   (only you) ${mrkdwnToTerminal(String(refusal.body.text))}`);

    say(DEMO_PEOPLE.approver, 'clicks [ Approve ]');
    await stand.click(ACTION_IDS.approve, requestId, DEMO_PEOPLE.approver, card.ts);

    const finalReply = await stand.slack.waitFor(
      () => stand.slack.thread(DEMO_CHANNEL, card.ts).find((m) => /Succeeded|Failed/.test(m.text ?? '')),
      30_000,
    );
    out('\nThread under the card:');
    for (const reply of stand.slack.thread(DEMO_CHANNEL, card.ts)) printReply(reply);
    out('\nThe card now reads:');
    out(renderCardForTerminal(stand.slack.message(DEMO_CHANNEL, card.ts) ?? card));

    const resets = stand.lightsail.callsOf('ResetDistributionCache');
    out('\n── what happened on the wire ─────────────────────────────────────────');
    out(`Lightsail ResetDistributionCache calls: ${resets.length} (signed for ${resets[0]?.region ?? '?'})`);
    out(`Lightsail GetOperation calls: ${stand.lightsail.callsOf('GetOperation').length}`);
    out(`Slack Web API calls: ${stand.slack.calls.map((c) => c.method).join(', ')}`);
    if (resets.length !== 1 || !/Succeeded/.test(finalReply.text ?? ''))
      throw new Error('the demo did not end as expected');
    out('\nDemo finished: one approved request, one cache reset, the result in the thread.');
  } finally {
    await stand.stop();
  }
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
