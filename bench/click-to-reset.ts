import type { LightsailCall } from '../src/local/fake-lightsail.js';
import { MinimalProducer, minimalWorker } from './lib/minimal.js';
import type { BenchMode, BenchOutcome, Log } from './lib/mode.js';
import { sleep } from './lib/processes.js';
import {
  approve,
  askInOwnChannels,
  channelId,
  firstCallFrom,
  isFinalReplyTo,
  startBenchStand,
} from './lib/stand.js';
import { summarize } from './lib/stats.js';
import { factor, met, ms } from './lib/table.js';

const P50_TARGET_MS = 20;
const POLL_MS = 20;
// Between samples the worker finishes the previous reset and goes back to its blocking wait for jobs.
const IDLE_GAP_MS = 150;

/**
 * Benchmark 2: from sending a signed Approve click to the fake Lightsail receiving
 * ResetDistributionCache, with the worker idle (waiting for jobs); one click at a time. Baseline:
 * the minimal worker, from Queue.add to its ResetDistributionCache, sampled in turn with ours.
 */
export async function benchClickToReset(mode: BenchMode, log: Log): Promise<BenchOutcome> {
  const n = mode.clickToReset.samples;
  const ourNames = Array.from({ length: n }, (_, i) => `click-${String(i).padStart(3, '0')}`);
  const baseNames = Array.from({ length: n }, (_, i) => `bare-${String(i).padStart(3, '0')}`);
  const stand = await startBenchStand({
    distributionNames: [...ourNames, ...baseNames],
    env: { POLL_INTERVAL_MS: String(POLL_MS), POLL_MAX_INTERVAL_MS: String(POLL_MS) },
  });
  const setup = {
    redisUrl: stand.redisUrl,
    prefix: `${stand.prefix}-minimal`,
    slack: stand.slack,
    lightsail: stand.lightsail,
    pollIntervalMs: POLL_MS,
    concurrency: 20,
  };
  const worker = minimalWorker(setup);
  const producer = new MinimalProducer(setup);
  const ours: number[] = [];
  const base: number[] = [];
  try {
    await worker.start();
    const cards = await askInOwnChannels(
      stand,
      ourNames.map((name, i) => ({ name, channel: channelId('C0CLK', i) })),
    );
    const baseJobs = await Promise.all(
      baseNames.map((name, i) => producer.postCard(channelId('C0BAR', i), name)),
    );
    log(`click: ${n} cards posted; clicking one at a time`);
    await sleep(1000);

    const isResetOf = (name: string) => (c: LightsailCall) =>
      c.operation === 'ResetDistributionCache' && c.input.distributionName === name;

    for (let i = 0; i < n; i++) {
      const card = cards[i];
      const job = baseJobs[i];
      if (!card || !job) throw new Error('missing card');

      let fromLightsail = stand.lightsail.calls.length;
      let fromSlack = stand.slack.calls.length;
      let sentAt = Date.now();
      const status = await approve(stand, card);
      if (status !== 200) throw new Error(`the click answered ${status}`);
      const reset = await firstCallFrom(
        stand.lightsail.calls,
        fromLightsail,
        isResetOf(ourNames[i] as string),
      );
      ours.push(reset.at - sentAt);
      await firstCallFrom(stand.slack.calls, fromSlack, isFinalReplyTo(card));
      await sleep(IDLE_GAP_MS);

      fromLightsail = stand.lightsail.calls.length;
      fromSlack = stand.slack.calls.length;
      sentAt = Date.now();
      await producer.enqueue(job);
      const baseReset = await firstCallFrom(
        stand.lightsail.calls,
        fromLightsail,
        isResetOf(job.distributionName),
      );
      base.push(baseReset.at - sentAt);
      await firstCallFrom(
        stand.slack.calls,
        fromSlack,
        isFinalReplyTo({ channel: job.channel, ts: job.cardTs }),
      );
      await sleep(IDLE_GAP_MS);
    }
  } finally {
    await producer.close();
    await worker.stop();
    await stand.stop();
  }

  const o = summarize(ours);
  const b = summarize(base);
  log(`click: ours p50 ${ms(o.p50)} p99 ${ms(o.p99)}; minimal add→reset p50 ${ms(b.p50)} p99 ${ms(b.p99)}`);
  return {
    rows: [
      {
        what: '2. Approve click → ResetDistributionCache, idle worker, p50 / p99',
        ours: `${ms(o.p50)} / ${ms(o.p99)}`,
        baseline: `${ms(b.p50)} / ${ms(b.p99)} (minimal: Queue.add → reset)`,
        ratio: `p50 ${factor(o.p50 / b.p50)}`,
        target: `p50 < ${P50_TARGET_MS} ms`,
        met: met(o.p50 < P50_TARGET_MS),
      },
    ],
    notes: [
      `Click (2): ${n} clicks, one at a time, each on a request of its own, after its previous reset finished and a ${IDLE_GAP_MS} ms pause (worker idle in its blocking wait); ` +
        `from just before the signed click is sent to the fake Lightsail receiving the call (both clocks are the bench process's Date.now(), 1 ms resolution). ` +
        `Baseline samples taken in turn with ours: the minimal BullMQ worker, from Queue.add to its ResetDistributionCache (no web side, no request store).`,
    ],
  };
}
