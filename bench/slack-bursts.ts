import type { BenchMode, BenchOutcome, Log } from './lib/mode.js';
import { sleep, waitUntil } from './lib/processes.js';
import { approve, cardsIn, finalReplyOf, startBenchStand } from './lib/stand.js';
import { largestBurst } from './lib/stats.js';
import { fixed, met, ms } from './lib/table.js';

const CHANNEL = 'C0BURST';
const OPERATION_MS = 3_000;
const WINDOW_MS = 1_000;
const ALLOWED_PER_WINDOW = 1;

/**
 * Benchmark 5: Slack Web API calls per reset, and the largest burst of chat.postMessage in one
 * channel, with several resets running at once in that channel, in real time with the default polling.
 */
export async function benchSlackBursts(mode: BenchMode, log: Log): Promise<BenchOutcome> {
  const k = mode.slackBursts.resetsAtOnce;
  const names = Array.from({ length: k }, (_, i) => `burst-${i}`);
  const stand = await startBenchStand({
    distributionNames: names,
    env: { POLL_INTERVAL_MS: '2000', POLL_MAX_INTERVAL_MS: '30000' },
  });
  stand.lightsail.setOperationScript({ durationMs: OPERATION_MS });
  let approvedAt = 0;
  try {
    await Promise.all(names.map((name) => stand.command(name, 'U0REQUEST', CHANNEL)));
    const cards = await waitUntil(`${k} cards`, () => {
      const found = cardsIn(stand, CHANNEL);
      return found.length === k ? found : undefined;
    });
    await sleep(WINDOW_MS + 100);
    approvedAt = Date.now();
    await Promise.all(cards.map((card) => approve(stand, card)));
    await waitUntil(
      'every reset to finish',
      () => cards.every((card) => finalReplyOf(stand.slack.calls, card)),
      60_000,
      100,
    );
    await sleep(1_500); // the final card edits follow the final replies
  } finally {
    await stand.stop();
  }

  const inChannel = stand.slack.calls.filter((c) => c.args.channel === CHANNEL);
  const perMethod = new Map<string, number>();
  for (const call of inChannel) perMethod.set(call.method, (perMethod.get(call.method) ?? 0) + 1);
  const posts = inChannel.filter((c) => c.method === 'chat.postMessage');
  const afterApproval = posts.filter((c) => c.at >= approvedAt).map((c) => c.at);
  const burstAfterApproval = largestBurst(afterApproval, WINDOW_MS);
  const gaps = afterApproval.slice(1).map((at, i) => at - (afterApproval[i] as number));
  const burstOverall = largestBurst(
    posts.map((c) => c.at),
    WINDOW_MS,
  );
  const perReset = [...perMethod.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([method, count]) => `${fixed(count / k)} ${method}`)
    .join(' + ');
  log(
    `bursts: ${perReset} per reset; largest burst ${burstAfterApproval} after approval, ${burstOverall} overall; gaps ${gaps.join(', ')} ms`,
  );
  return {
    rows: [
      {
        what: `5. Slack Web API calls per reset (${k} at once in one channel)`,
        ours: perReset,
        baseline: '—',
        ratio: '—',
        target: '—',
        met: '—',
      },
      {
        what: '5. Largest chat.postMessage burst in one channel (any 1 s window)',
        ours: `${burstAfterApproval} from the approvals on (${burstOverall} counting the cards); shortest gap between posts ${ms(Math.min(...gaps))}`,
        baseline: '—',
        ratio: '—',
        target: `≤ ${ALLOWED_PER_WINDOW} per second per channel`,
        met: met(burstAfterApproval <= ALLOWED_PER_WINDOW),
      },
    ],
    notes: [
      `Slack (5): ${k} requests asked at once in one channel, then (after their cards, and a pause of over 1 s) all approved at once; real time, default polling (2 s doubling to 30 s), ` +
        `operations lasting ${OPERATION_MS / 1000} s. Counted from the fake Slack's recorded Web API calls in that channel (response_url answers are not Web API calls). ` +
        'The fake Slack never answers 429, so this is what the app sends, not what real Slack would accept.',
    ],
  };
}
