import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION_IDS } from '../../src/domain/approval-card.js';
import type { LocalStand } from '../../src/local/local-stand.js';
import { CHANNEL_SPACING_MS } from '../../src/slack/slack-messenger.js';
import { connectTestRedis } from '../support/redis.js';
import { startStand, waitForFinal } from '../support/stand.js';

const NAMES = ['pace-a', 'pace-b', 'pace-c', 'pace-d', 'pace-e'];
const CHANNEL = 'C0BUSY';
const CARD_NAMES = ['card-a', 'card-b', 'card-c'];
const CARD_CHANNEL = 'C0CARDS';

describe('many resets at once in one channel', () => {
  let stand: LocalStand;
  beforeAll(async () => {
    stand = await startStand({ extraDistributions: [...NAMES, ...CARD_NAMES] });
    await stand.startWorker();
  });
  afterAll(async () => {
    await stand?.stop();
  });

  it('deliver every thread reply, in order, while paced per channel across workers', async () => {
    const cards = [];
    for (const name of NAMES) {
      await stand.command(name, 'U0REQUEST', CHANNEL);
      const card = await stand.slack.waitFor(() =>
        stand.slack.messages(CHANNEL).find((m) => !m.threadTs && (m.text ?? '').includes(name)),
      );
      const requestId = /Request `(r[0-9a-z]+)`/.exec(JSON.stringify(card.blocks))?.[1] ?? '';
      cards.push({ card, requestId });
    }
    await Promise.all(
      cards.map((c) => stand.click(ACTION_IDS.approve, c.requestId, 'U0APPROVE', c.card.ts, CHANNEL)),
    );
    for (const c of cards) await waitForFinal(stand, CHANNEL, c.card.ts, 60_000);

    const replies = stand.slack
      .callsOf('chat.postMessage')
      .filter((call) => call.args.channel === CHANNEL && call.args.thread_ts)
      .map((call) => call.at)
      .sort((a, b) => a - b);
    // Every reply arrives, each thread in order; how far apart they go out is measured by `npm run bench`.
    expect(replies.length).toBe(NAMES.length * 2);
    for (const c of cards) {
      const thread = stand.slack.thread(CHANNEL, c.card.ts).map((m) => m.text ?? '');
      expect(thread).toEqual([
        expect.stringMatching(/Reset started/),
        expect.stringMatching(/\*Succeeded\*/),
      ]);
    }
  }, 90_000);

  it('acks a burst of requests in one channel at once and gives each card, then each reply, a slot of its own', async () => {
    const redis = connectTestRedis();
    // The channel's schedule in Redis: the last send time reserved. Each post takes the next slot.
    const lastSlot = async () => Number(await redis.get(`${stand.prefix}:channel-pace:${CARD_CHANNEL}`));
    const before = Date.now();
    try {
      const acks = await Promise.all(
        CARD_NAMES.map((name) => stand.command(name, 'U0REQUEST', CARD_CHANNEL)),
      );
      expect(acks.map((a) => a.status)).toEqual([200, 200, 200]);
      const cards = await stand.slack.waitFor(() => {
        const found = stand.slack.messages(CARD_CHANNEL).filter((m) => !m.threadTs);
        return found.length === CARD_NAMES.length ? found : undefined;
      }, 20_000);
      expect(cards.map((c) => c.text).sort()).toEqual(CARD_NAMES.map((n) => expect.stringContaining(n)));
      // Three cards, three slots: the last one at least two spacings after the burst began.
      expect(await lastSlot()).toBeGreaterThanOrEqual(before + 2 * CHANNEL_SPACING_MS);

      // Withdrawn at once: the web side's thread replies take the next slots of the same schedule.
      await Promise.all(
        cards.map((card) => {
          const requestId = /Request `(r[0-9a-z]+)`/.exec(JSON.stringify(card.blocks))?.[1] ?? '';
          return stand.click(ACTION_IDS.cancel, requestId, 'U0REQUEST', card.ts, CARD_CHANNEL);
        }),
      );
      await stand.slack.waitFor(
        () =>
          stand.slack
            .callsOf('chat.postMessage')
            .filter((c) => c.args.channel === CARD_CHANNEL && c.args.thread_ts).length ===
            CARD_NAMES.length || undefined,
        20_000,
      );
      expect(await lastSlot()).toBeGreaterThanOrEqual(before + 5 * CHANNEL_SPACING_MS);
    } finally {
      redis.disconnect();
    }
  }, 40_000);
});
