import { WebClient } from '@slack/web-api';
import { afterEach, describe, expect, it } from 'vitest';
import { ACTION_IDS, renderApprovalCard } from '../../src/domain/approval-card.js';
import type { LocalStand } from '../../src/local/local-stand.js';
import { startRedisServer } from '../../src/local/redis-server.js';
import { RequestStore } from '../../src/store/request-store.js';
import { connectTestRedis } from '../support/redis.js';
import { aRequest } from '../support/requests.js';
import {
  askAndApprove,
  cardIn,
  cardText,
  resetCalls,
  sleep,
  startStand,
  threadTexts,
  waitForFinal,
} from '../support/stand.js';

// A short lock so that a job left behind by a killed worker is taken over within seconds.
const FAST_RECOVERY = { WORKER_LOCK_DURATION: '2s' };

describe('crashes and restarts of the app', () => {
  let stand: LocalStand | undefined;
  afterEach(async () => {
    await stand?.stop();
    stand = undefined;
  });

  it('finishes an approved reset after kill -9 mid-operation, without a second reset', async () => {
    stand = await startStand({ env: FAST_RECOVERY, extraDistributions: ['crash-poll'] });
    stand.lightsail.setOperationScript({ durationMs: 2500 });
    const { card } = await askAndApprove(stand, 'crash-poll', 'C0CRASH1');
    await stand.slack.waitFor(() =>
      threadTexts(stand as LocalStand, 'C0CRASH1', card.ts).find((t) => /Reset started/.test(t)),
    );

    expect(await stand.app?.stop('SIGKILL')).toBeNull();
    await stand.startApp();
    const final = await waitForFinal(stand, 'C0CRASH1', card.ts);

    expect(final.text).toMatch(/Succeeded/);
    expect(resetCalls(stand, 'crash-poll')).toHaveLength(1);
    expect(threadTexts(stand, 'C0CRASH1', card.ts).filter((t) => /Succeeded/.test(t))).toHaveLength(1);
  });

  it('adopts the reset when killed after the call left but before its answer was saved', async () => {
    stand = await startStand({ env: FAST_RECOVERY, extraDistributions: ['crash-call'] });
    stand.lightsail.setOperationScript({ durationMs: 300 });
    // Lightsail takes the call and answers late: the app dies while waiting for the answer.
    stand.lightsail.injectFault('ResetDistributionCache', { kind: 'delay', ms: 1500 });
    const { card } = await askAndApprove(stand, 'crash-call', 'C0CRASH2');
    await stand.slack.waitFor(() => resetCalls(stand as LocalStand, 'crash-call').length === 1 || undefined);
    await stand.app?.stop('SIGKILL');
    await sleep(1600); // the reset now exists at Lightsail; its answer went nowhere
    expect(stand.lightsail.operations().filter((op) => op.distributionName === 'crash-call')).toHaveLength(1);

    await stand.startApp();
    const final = await waitForFinal(stand, 'C0CRASH2', card.ts);
    expect(final.text).toMatch(/Succeeded/);
    expect(resetCalls(stand, 'crash-call')).toHaveLength(1);
    expect(stand.lightsail.callsOf('GetDistributionLatestCacheReset').length).toBeGreaterThan(0);
  });

  it('stops within 10 s on SIGTERM mid-operation and finishes the reset after the restart', async () => {
    stand = await startStand({ extraDistributions: ['graceful'] });
    stand.lightsail.setOperationScript({ durationMs: 2000 });
    const { card } = await askAndApprove(stand, 'graceful', 'C0TERM');
    await stand.slack.waitFor(() =>
      threadTexts(stand as LocalStand, 'C0TERM', card.ts).find((t) => /Reset started/.test(t)),
    );

    // Exit code 0, not 1: the 10 s shutdown deadline (which exits 1) was not reached.
    expect(await stand.app?.stop('SIGTERM')).toBe(0);
    await stand.startApp();
    await waitForFinal(stand, 'C0TERM', card.ts);
    expect(resetCalls(stand, 'graceful')).toHaveLength(1);
  });

  it("keeps pending approvals across a restart: the old card's buttons still work", async () => {
    stand = await startStand({ extraDistributions: ['survivor'] });
    await stand.command('survivor', 'U0REQUEST', 'C0SURVIVE');
    const { card, requestId } = await cardIn(stand, 'C0SURVIVE');
    await stand.app?.stop('SIGKILL');
    await stand.startApp();
    await stand.click(ACTION_IDS.approve, requestId, 'U0APPROVE', card.ts, 'C0SURVIVE');
    await waitForFinal(stand, 'C0SURVIVE', card.ts);
    expect(resetCalls(stand, 'survivor')).toHaveLength(1);
  });

  it("learns the card's ts from the click when a crash came between posting the card and saving it", async () => {
    stand = await startStand({ extraDistributions: ['lost-ts'] });
    const redis = connectTestRedis();
    try {
      // As the web side leaves it when killed right after chat.postMessage: a request without cardTs.
      const request = aRequest({
        distributionName: 'lost-ts',
        channelId: 'C0LOSTTS',
        approverUsers: ['U0APPROVE'],
      });
      await new RequestStore(redis, stand.prefix).create(request, { event: 'requested', actor: 'U0REQUEST' });
      const posted = await new WebClient('xoxb-fake', { slackApiUrl: stand.slack.apiUrl }).chat.postMessage({
        channel: 'C0LOSTTS',
        ...renderApprovalCard(request),
      });
      await stand.click(ACTION_IDS.approve, request.id, 'U0APPROVE', posted.ts as string, 'C0LOSTTS');
      await waitForFinal(stand, 'C0LOSTTS', posted.ts as string);
      expect(resetCalls(stand, 'lost-ts')).toHaveLength(1);
    } finally {
      redis.disconnect();
    }
  });

  it('still expires a pending request whose TTL ran out while the app was down', async () => {
    stand = await startStand({ env: { APPROVAL_TTL: '2s' }, extraDistributions: ['expiring'] });
    await stand.command('expiring', 'U0REQUEST', 'C0EXPIRE');
    const { card, requestId } = await cardIn(stand, 'C0EXPIRE');
    await stand.app?.stop('SIGTERM');
    await sleep(2500);
    await stand.startApp();
    await stand.slack.waitFor(
      () => /expired/.test(cardText(stand as LocalStand, 'C0EXPIRE', card.ts)) || undefined,
    );
    await stand.slack.waitFor(() => threadTexts(stand as LocalStand, 'C0EXPIRE', card.ts)[0]);
    expect(threadTexts(stand, 'C0EXPIRE', card.ts)).toEqual([
      expect.stringMatching(/<@U0REQUEST>.*request expired/),
    ]);
    const late = await stand.click(ACTION_IDS.approve, requestId, 'U0APPROVE', card.ts, 'C0EXPIRE');
    const [reply] = await stand.slack.waitFor(() => {
      const replies = (stand as LocalStand).responsesTo(late.responseId);
      return replies.length > 0 ? replies : undefined;
    });
    expect(reply).toMatch(/expired/);
    expect(resetCalls(stand, 'expiring')).toHaveLength(0);
  });
});

describe('a Redis restart (AOF on)', () => {
  let stand: LocalStand | undefined;
  afterEach(async () => {
    await stand?.stop();
    stand = undefined;
  });

  it('answers 503 on /readyz and "try again shortly" while Redis is down, then carries on', async () => {
    const redis = await startRedisServer({ appendOnly: true });
    try {
      stand = await startStand({ redisUrl: redis.url, extraDistributions: ['redis-blip', 'during-outage'] });
      const base = `http://127.0.0.1:${stand.port}`;
      await stand.command('redis-blip', 'U0REQUEST', 'C0REDIS');
      const { card, requestId } = await cardIn(stand, 'C0REDIS');
      await sleep(1100); // let appendfsync everysec write the request to disk

      await redis.kill('SIGKILL');
      expect((await fetch(`${base}/readyz`)).status).toBe(503);
      const during = await stand.command('during-outage', 'U0REQUEST', 'C0REDIS2');
      expect(during.status).toBe(200);
      const [reply] = await stand.slack.waitFor(() => {
        const replies = (stand as LocalStand).responsesTo(during.responseId);
        return replies.length > 0 ? replies : undefined;
      });
      expect(reply).toMatch(/try again in a minute/);
      expect(stand.slack.messages('C0REDIS2')).toHaveLength(0);

      await redis.restart();
      const ready = await waitUntil(async () => (await fetch(`${base}/readyz`)).status === 200, 15_000);
      expect(ready).toBe(true);

      await stand.click(ACTION_IDS.approve, requestId, 'U0APPROVE', card.ts, 'C0REDIS');
      await waitForFinal(stand, 'C0REDIS', card.ts);
      expect(resetCalls(stand, 'redis-blip')).toHaveLength(1);
    } finally {
      await stand?.stop();
      stand = undefined;
      await redis.stop();
    }
  });

  it('reports at start when Redis would evict keys (maxmemory-policy is not noeviction)', async () => {
    const redis = await startRedisServer({ extraArgs: ['--maxmemory-policy', 'allkeys-lru'] });
    try {
      stand = await startStand({ redisUrl: redis.url });
      await sleep(200);
      expect(stand.app?.output).toMatch(/maxmemory-policy is \\"allkeys-lru\\": set it to noeviction/);
    } finally {
      await stand?.stop();
      stand = undefined;
      await redis.stop();
    }
  });
});

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return true;
    await sleep(100);
  }
  return false;
}
