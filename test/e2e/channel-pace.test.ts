import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION_IDS } from '../../src/domain/approval-card.js';
import type { LocalStand } from '../../src/local/local-stand.js';
import { startStand, waitForFinal } from '../support/stand.js';

const NAMES = ['pace-a', 'pace-b', 'pace-c', 'pace-d', 'pace-e'];
const CHANNEL = 'C0BUSY';

describe('many resets at once in one channel', () => {
  let stand: LocalStand;
  beforeAll(async () => {
    stand = await startStand({ extraDistributions: NAMES });
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
});
