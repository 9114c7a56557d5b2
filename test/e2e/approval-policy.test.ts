import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION_IDS } from '../../src/domain/approval-card.js';
import type { LocalStand } from '../../src/local/local-stand.js';
import { RequestStore } from '../../src/store/request-store.js';
import { connectTestRedis } from '../support/redis.js';
import {
  cardIn,
  cardText,
  resetCalls,
  sleep,
  startStand,
  threadTexts,
  waitForFinal,
} from '../support/stand.js';

const GROUP = 'S0APPROVERS';
const BREAKERS = 'S0ONCALL';

function policyFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lsr-policy-'));
  const path = join(dir, 'policy.yml');
  writeFileSync(
    path,
    [
      'default:',
      '  approvers: { users: [U0APPROVE], groups: [S0APPROVERS] }',
      'rules:',
      '  - match: "pol-quorum*"',
      '    approvals: 2',
      '    approvers: { users: [U0APPROVE, U0APPROV2, U0APPROV3] }',
      '  - match: pol-locked',
      '    resettable: false',
      '  - match: pol-channel',
      '    channels: [C0OPS]',
      '  - match: pol-requesters',
      '    requesters: { users: [U0WEBDEV] }',
      '  - match: pol-cooldown',
      '    cooldown: 1h',
      '  - match: pol-remind',
      '    remind_after: 1s',
      '    ttl: 1m',
      '',
    ].join('\n'),
  );
  return path;
}

describe('the approval policy, end to end', () => {
  let stand: LocalStand;
  const heard = () => stand.slack.messages('C0AUDIT').map((m) => m.text ?? '');

  beforeAll(async () => {
    stand = await startStand({
      env: {
        POLICY_FILE: policyFile(),
        APPROVER_USER_IDS: 'U0APPROVE',
        BREAK_GLASS_GROUP_IDS: BREAKERS,
        AUDIT_CHANNEL_ID: 'C0AUDIT',
      },
      extraDistributions: [
        'pol-group',
        'pol-removed',
        'pol-quorum-a',
        'pol-quorum-b',
        'pol-locked',
        'pol-channel',
        'pol-requesters',
        'pol-one-at-a-time',
        'pol-cooldown',
        'pol-remind',
        'pol-glass',
        'pol-glass-refused',
      ],
    });
    stand.slack.setUserGroup(GROUP, ['U0GROUPIE', 'U0LEAVER']);
    stand.slack.setUserGroup(BREAKERS, ['U0ONCALL']);
  });
  afterAll(async () => {
    await stand?.stop();
  });

  const replyTo = async (responseId: string) =>
    (
      await stand.slack.waitFor(() => {
        const replies = stand.responsesTo(responseId);
        return replies.length > 0 ? replies : undefined;
      })
    )[0] ?? '';

  it('lets a member of an approver group approve, and names the group on the card', async () => {
    await stand.command('pol-group', 'U0REQUEST', 'C0GROUP');
    const { card, requestId } = await cardIn(stand, 'C0GROUP');
    expect(cardText(stand, 'C0GROUP', card.ts)).toContain(`<!subteam^${GROUP}>`);
    await stand.click(ACTION_IDS.approve, requestId, 'U0GROUPIE', card.ts, 'C0GROUP');
    await waitForFinal(stand, 'C0GROUP', card.ts);
    expect(stand.slack.callsOf('usergroups.users.list').some((c) => c.args.usergroup === GROUP)).toBe(true);
    expect(resetCalls(stand, 'pol-group')).toHaveLength(1);
  });

  it('stops someone removed from the group from approving within a minute', async () => {
    await stand.command('pol-removed', 'U0REQUEST', 'C0REMOVED');
    const { card, requestId } = await cardIn(stand, 'C0REMOVED');
    stand.slack.setUserGroup(GROUP, ['U0GROUPIE']);
    await sleep(31_000); // the membership cache lives 30 s
    const click = await stand.click(ACTION_IDS.approve, requestId, 'U0LEAVER', card.ts, 'C0REMOVED');
    expect(await replyTo(click.responseId)).toMatch(/Only .* can approve/);
    expect(resetCalls(stand, 'pol-removed')).toHaveLength(0);
  }, 60_000);

  it('needs two distinct approvals under a 2-approval rule, and queues once when racing clicks complete it', async () => {
    await stand.command('pol-quorum-a', 'U0REQUEST', 'C0QUORUM');
    const { card, requestId } = await cardIn(stand, 'C0QUORUM');
    const first = await stand.click(ACTION_IDS.approve, requestId, 'U0APPROVE', card.ts, 'C0QUORUM');
    expect(await replyTo(first.responseId)).toMatch(/counted: 1 of 2/);
    await stand.slack.waitFor(
      () => /1 of 2: <@U0APPROVE>/.test(cardText(stand, 'C0QUORUM', card.ts)) || undefined,
    );
    expect(cardText(stand, 'C0QUORUM', card.ts)).toContain(ACTION_IDS.approve);

    const again = await stand.click(ACTION_IDS.approve, requestId, 'U0APPROVE', card.ts, 'C0QUORUM');
    expect(await replyTo(again.responseId)).toMatch(/already approved this request/);

    const racing = await Promise.all(
      ['U0APPROV2', 'U0APPROV3', 'U0APPROV2', 'U0APPROV3'].map((u) =>
        stand.click(ACTION_IDS.approve, requestId, u, card.ts, 'C0QUORUM'),
      ),
    );
    expect(racing.every((r) => r.status === 200)).toBe(true);
    await waitForFinal(stand, 'C0QUORUM', card.ts);
    expect(resetCalls(stand, 'pol-quorum-a')).toHaveLength(1);
    expect(cardText(stand, 'C0QUORUM', card.ts)).toMatch(/Approved by:\* <@U0APPROVE> and <@U0APPROV[23]>/);
  });

  it('ends a 2-approval request with a single Deny', async () => {
    await stand.command('pol-quorum-b', 'U0REQUEST', 'C0QUORUM2');
    const { card, requestId } = await cardIn(stand, 'C0QUORUM2');
    await stand.click(ACTION_IDS.approve, requestId, 'U0APPROVE', card.ts, 'C0QUORUM2');
    await stand.click(ACTION_IDS.deny, requestId, 'U0APPROV2', card.ts, 'C0QUORUM2');
    await stand.submitDenyReason(requestId, 'U0APPROV2', null);
    await stand.slack.waitFor(() => /denied by/.test(cardText(stand, 'C0QUORUM2', card.ts)) || undefined);
    expect(resetCalls(stand, 'pol-quorum-b')).toHaveLength(0);
  });

  it.each([
    ['pol-locked', 'U0REQUEST', 'C0ANY', /may not be reset from Slack/],
    ['pol-channel', 'U0REQUEST', 'C0WRONG', /can't be requested in this channel. Use <#C0OPS>/],
    ['pol-requesters', 'U0REQUEST', 'C0ANY2', /not among the people who may request/],
  ])('refuses %s for %s in %s before any card', async (name, user, channel, why) => {
    const ask = await stand.command(name, user, channel);
    expect(await replyTo(ask.responseId)).toMatch(why);
    expect(stand.slack.messages(channel)).toHaveLength(0);
    expect(
      stand.lightsail.callsOf('GetDistributions').filter((c) => c.input.distributionName === name),
    ).toHaveLength(0);
  });

  it('lets a listed requester ask in the listed channel', async () => {
    await stand.command('pol-requesters', 'U0WEBDEV', 'C0WEBDEV');
    await cardIn(stand, 'C0WEBDEV');
    await stand.command('pol-channel', 'U0REQUEST', 'C0OPS');
    await cardIn(stand, 'C0OPS');
  });

  it('answers a second request for the same distribution with a link to the open one', async () => {
    await stand.command('pol-one-at-a-time', 'U0REQUEST', 'C0ONCE');
    const { card } = await cardIn(stand, 'C0ONCE');
    const second = await stand.command('pol-one-at-a-time', 'U0OTHER', 'C0ONCE2');
    const reply = await replyTo(second.responseId);
    expect(reply).toMatch(/already a request for `pol-one-at-a-time` \(pending\)/);
    expect(reply).toContain(`p${card.ts.replace('.', '')}`);
    expect(stand.slack.messages('C0ONCE2')).toHaveLength(0);
  });

  it('refuses a new request during the cooldown after a success, saying how long is left', async () => {
    await stand.command('pol-cooldown', 'U0REQUEST', 'C0COOL');
    const { card, requestId } = await cardIn(stand, 'C0COOL');
    await stand.click(ACTION_IDS.approve, requestId, 'U0APPROVE', card.ts, 'C0COOL');
    await waitForFinal(stand, 'C0COOL', card.ts);
    const again = await stand.command('pol-cooldown', 'U0REQUEST', 'C0COOL2');
    expect(await replyTo(again.responseId)).toMatch(/cooldown allows the next reset in (59m|1h)/);
    expect(stand.slack.messages('C0COOL2')).toHaveLength(0);
  });

  it('reminds the approvers once in the thread while a request waits', async () => {
    await stand.command('pol-remind', 'U0REQUEST', 'C0REMIND');
    const { card } = await cardIn(stand, 'C0REMIND');
    const reminder = await stand.slack.waitFor(() => threadTexts(stand, 'C0REMIND', card.ts)[0]);
    expect(reminder).toMatch(/<@U0APPROVE>, <!subteam\^S0APPROVERS>: this cache reset .* is still waiting/);
    await sleep(1500);
    expect(threadTexts(stand, 'C0REMIND', card.ts)).toHaveLength(1);
  });

  it('runs a break-glass reset at once for an on-call member, loudly, and flags it for review', async () => {
    const ask = await stand.command('pol-glass --now origin serving stale prices', 'U0ONCALL', 'C0GLASS');
    expect(ask.status).toBe(200);
    const { card } = await cardIn(stand, 'C0GLASS');
    expect(cardText(stand, 'C0GLASS', card.ts)).toMatch(/BREAK-GLASS/);
    expect(cardText(stand, 'C0GLASS', card.ts)).toContain('<@U0APPROVE>, <!subteam^S0APPROVERS>');
    await waitForFinal(stand, 'C0GLASS', card.ts);
    expect(resetCalls(stand, 'pol-glass')).toHaveLength(1);
    await stand.slack.waitFor(() =>
      heard().find((t) => /BREAK-GLASS, needs review.*pol-glass.*origin serving stale prices/.test(t)),
    );

    const redis = connectTestRedis();
    try {
      const audit = await new RequestStore(redis, stand.prefix).recentAudit(200);
      expect(audit.find((e) => e.event === 'break-glass' && e.distribution === 'pol-glass')).toMatchObject({
        actor: 'U0ONCALL',
        detail: 'needs review: origin serving stale prices',
      });
    } finally {
      redis.disconnect();
    }
  });

  it.each([
    [
      'someone without the break-glass right',
      'pol-glass-refused --now because',
      'U0REQUEST',
      /may reset without approval/,
    ],
    ['an on-call member without a reason', 'pol-glass-refused --now', 'U0ONCALL', /needs a reason/],
  ])('refuses break-glass for %s', async (_who, text, user, why) => {
    const ask = await stand.command(text, user, 'C0GLASSNO');
    const body = ask.body ? (JSON.parse(ask.body) as { text?: string }) : {};
    const reply = body.text ?? (await replyTo(ask.responseId));
    expect(reply).toMatch(why);
    await sleep(200);
    expect(resetCalls(stand, 'pol-glass-refused')).toHaveLength(0);
    expect(stand.slack.messages('C0GLASSNO')).toHaveLength(0);
  });

  it('posts one line per decision and result to the audit channel', async () => {
    const lines = heard();
    expect(lines.some((t) => /`pol-group` approved by <@U0GROUPIE>/.test(t))).toBe(true);
    expect(lines.some((t) => /`pol-group` succeeded by worker/.test(t))).toBe(true);
    expect(lines.some((t) => /`pol-quorum-b` denied by <@U0APPROV2>/.test(t))).toBe(true);
  });
});

describe('npm run history', () => {
  it('prints recent audit entries as a table, filtered by distribution and person', async () => {
    const { spawnSync } = await import('node:child_process');
    const { fileURLToPath } = await import('node:url');
    const stand = await startStand({ extraDistributions: ['hist-one', 'hist-two'] });
    try {
      for (const [name, channel] of [
        ['hist-one', 'C0HIST1'],
        ['hist-two', 'C0HIST2'],
      ] as const) {
        await stand.command(name, 'U0REQUEST', channel);
        const { card, requestId } = await cardIn(stand, channel);
        await stand.click(ACTION_IDS.approve, requestId, 'U0APPROVE', card.ts, channel);
        await waitForFinal(stand, channel, card.ts);
      }
      const script = fileURLToPath(new URL('../../dist/cli/history.js', import.meta.url));
      const run = (...args: string[]) =>
        spawnSync(process.execPath, [script, ...args], {
          env: { PATH: process.env.PATH ?? '', REDIS_URL: stand.redisUrl, QUEUE_PREFIX: stand.prefix },
          encoding: 'utf8',
        });
      const all = run();
      expect(all.status).toBe(0);
      expect(all.stdout.split('\n')[0]).toMatch(
        /^when \(UTC\)\s+distribution\s+event\s+who\s+request\s+detail$/,
      );
      expect(all.stdout).toMatch(/hist-two\s+succeeded\s+worker/);
      const one = run('--distribution', 'hist-one', '--person', 'U0APPROVE');
      expect(one.stdout).toMatch(/hist-one\s+approved\s+U0APPROVE/);
      expect(one.stdout).not.toContain('hist-two');
      expect(one.stdout).not.toMatch(/\s+succeeded\s+/);
    } finally {
      await stand.stop();
    }
  });
});
