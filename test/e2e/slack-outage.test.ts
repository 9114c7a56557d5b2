import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION_IDS } from '../../src/domain/approval-card.js';
import type { LocalStand } from '../../src/local/local-stand.js';
import { cardIn, cardText, resetCalls, startStand, threadTexts, waitForFinal } from '../support/stand.js';

describe('a Slack outage during a reset', () => {
  let stand: LocalStand;
  beforeAll(async () => {
    stand = await startStand({ extraDistributions: ['slack-outage'] });
  });
  afterAll(async () => {
    await stand?.stop();
  });

  it('goes on with the reset and delivers every reply once Slack is back, in order', async () => {
    stand.lightsail.setOperationScript({ statuses: ['Started', 'Started', 'InProgress', 'Succeeded'] });
    await stand.command('slack-outage', 'U0REQUEST', 'C0OUTAGE');
    const { card, requestId } = await cardIn(stand, 'C0OUTAGE');

    // From the click on, Slack refuses or drops the next calls: 5xx, a 429 with Retry-After, a dead socket.
    stand.slack.injectFault('chat.postMessage', { status: 503 }, 2);
    stand.slack.injectFault('chat.postMessage', { status: 429, headers: { 'retry-after': '1' } }, 1);
    stand.slack.injectFault('chat.postMessage', { drop: true }, 2);
    stand.slack.injectFault('chat.update', { status: 500 }, 4);
    await stand.click(ACTION_IDS.approve, requestId, 'U0APPROVE', card.ts, 'C0OUTAGE');

    await waitForFinal(stand, 'C0OUTAGE', card.ts);
    expect(resetCalls(stand, 'slack-outage')).toHaveLength(1);
    const thread = threadTexts(stand, 'C0OUTAGE', card.ts);
    expect(thread).toEqual([
      expect.stringMatching(/Reset started/),
      expect.stringMatching(/Status: \*InProgress\*/),
      expect.stringMatching(/\*Succeeded\*/),
    ]);
    await stand.slack.waitFor(() => /succeeded/.test(cardText(stand, 'C0OUTAGE', card.ts)) || undefined);
    expect(
      stand.slack.callsOf('chat.postMessage').filter((c) => c.args.thread_ts === card.ts).length,
    ).toBeGreaterThan(3);
  });
});
