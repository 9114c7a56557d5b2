import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { FakeLightsail, type LightsailCall } from '../src/local/fake-lightsail.js';
import { FakeSlack } from '../src/local/fake-slack.js';
import { type LocalStand, STAND_BOT_TOKEN } from '../src/local/local-stand.js';
import { QUEUES } from '../src/queue/jobs.js';
import { MinimalProducer, minimalWorker } from './lib/minimal.js';
import type { BenchMode, BenchOutcome, Log } from './lib/mode.js';
import { waitUntil } from './lib/processes.js';
import {
  approve,
  askInOwnChannels,
  type Card,
  channelId,
  firstCallFrom,
  isFinalReplyTo,
  startBenchStand,
} from './lib/stand.js';
import { max, median } from './lib/stats.js';
import { factor, met, ms } from './lib/table.js';

const TARGET_MS = 15_000;
const OPERATION_MS = 1_000;
const POLL_MS = 100;
// Holds one GetOperation long enough that the worker is killed while the step is active (the job locked).
const HELD_POLL_MS = 5_000;
const RESULT_TIMEOUT_MS = 150_000;

interface Recovery {
  ms: number;
  resets: number;
}

const resetsOf = (lightsail: FakeLightsail, name: string) =>
  lightsail.callsOf('ResetDistributionCache').filter((c) => c.input.distributionName === name).length;

/** Waits until the reset of `name` is being polled and one GetOperation is in flight (and held). */
async function pollInFlight(lightsail: FakeLightsail, name: string): Promise<void> {
  const op = await waitUntil('the reset operation', () =>
    lightsail.operations().find((o) => o.distributionName === name),
  );
  const from = lightsail.calls.length;
  lightsail.injectFault('GetOperation', { kind: 'delay', ms: HELD_POLL_MS }, 1);
  await firstCallFrom(
    lightsail.calls,
    from,
    (c: LightsailCall) => c.operation === 'GetOperation' && c.input.operationId === op.id,
  );
}

/** Ours: kill -9 the app (its only worker) mid-operation, restart it at once, time until the result. */
async function oursOnce(
  stand: LocalStand,
  queue: Queue,
  name: string,
  channel: string,
  when: 'during-poll' | 'between-polls',
): Promise<Recovery> {
  const [card] = (await askInOwnChannels(stand, [{ name, channel }])) as [Card];
  const slackFrom = stand.slack.calls.length;
  await approve(stand, card);
  if (when === 'during-poll') {
    await pollInFlight(stand.lightsail, name);
  } else {
    await waitUntil('the first poll', () =>
      stand.lightsail.calls.some(
        (c) => c.operation === 'GetOperation' && resetsOf(stand.lightsail, name) > 0,
      ),
    );
    await waitUntil('the job to wait for its next poll', async () => {
      const job = await queue.getJob(card.requestId);
      return (await job?.getState()) === 'delayed';
    });
  }
  const killedAt = Date.now();
  await stand.app?.stop('SIGKILL');
  await stand.startApp();
  const final = await firstCallFrom(stand.slack.calls, slackFrom, isFinalReplyTo(card), RESULT_TIMEOUT_MS);
  return { ms: final.at - killedAt, resets: resetsOf(stand.lightsail, name) };
}

/**
 * Baseline: the minimal worker with BullMQ's defaults, killed while polling and restarted at once.
 * Each run has fakes and a queue of its own, so the runs (30-60 s each) go on beside everything else.
 */
async function minimalOnce(redisUrl: string, prefix: string, name: string): Promise<Recovery> {
  const slack = new FakeSlack({ botToken: STAND_BOT_TOKEN });
  const lightsail = new FakeLightsail({
    distributions: [{ name }],
    operationScript: { durationMs: OPERATION_MS },
  });
  await Promise.all([slack.start(), lightsail.start()]);
  const setup = { redisUrl, prefix, slack, lightsail, pollIntervalMs: POLL_MS, concurrency: 20 };
  const producer = new MinimalProducer(setup);
  let worker = await minimalWorker(setup).start();
  try {
    const job = await producer.postCard('C0BASE', name);
    const slackFrom = slack.calls.length;
    await producer.enqueue(job);
    await pollInFlight(lightsail, name);
    const killedAt = Date.now();
    await worker.stop('SIGKILL');
    worker = await minimalWorker(setup).start();
    const final = await firstCallFrom(
      slack.calls,
      slackFrom,
      isFinalReplyTo({ channel: job.channel, ts: job.cardTs }),
      RESULT_TIMEOUT_MS,
    );
    return { ms: final.at - killedAt, resets: resetsOf(lightsail, name) };
  } finally {
    await worker.stop();
    await producer.close();
    await Promise.all([slack.stop(), lightsail.stop()]);
  }
}

/**
 * Benchmark 7: from kill -9 of the only worker mid-operation, with an immediate restart, to the
 * result in the thread; and how many times ResetDistributionCache was called for that request.
 */
export async function benchCrashRecovery(mode: BenchMode, log: Log): Promise<BenchOutcome> {
  const { runs, baselineRuns, betweenPollsRuns } = mode.crash;
  const names = [
    ...Array.from({ length: runs }, (_, i) => `crash-${i}`),
    ...Array.from({ length: betweenPollsRuns }, (_, i) => `between-${i}`),
  ];
  const stand = await startBenchStand({
    distributionNames: names,
    env: { POLL_INTERVAL_MS: String(POLL_MS), POLL_MAX_INTERVAL_MS: String(POLL_MS * 4) },
  });
  stand.lightsail.setOperationScript({ durationMs: OPERATION_MS });
  const redis = new Redis(stand.redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue(QUEUES.reset, { connection: redis, prefix: stand.prefix });
  const during: Recovery[] = [];
  const between: Recovery[] = [];
  let base: Recovery[] = [];
  const baseline = Promise.all(
    Array.from({ length: baselineRuns }, async (_, i) => {
      const r = await minimalOnce(stand.redisUrl, `${stand.prefix}-minimal-${i}`, `bare-crash-${i}`);
      log(
        `crash minimal (BullMQ defaults), run ${i + 1}: result ${ms(r.ms)} after the kill, ${r.resets} reset(s)`,
      );
      return r;
    }),
  );
  // Handled at the end; this keeps an early failure of a baseline run from counting as unhandled.
  baseline.catch(() => undefined);
  try {
    for (let i = 0; i < runs; i++) {
      const r = await oursOnce(stand, queue, `crash-${i}`, channelId('C0CRS', i), 'during-poll');
      log(
        `crash ours, killed during a poll, run ${i + 1}: result ${ms(r.ms)} after the kill, ${r.resets} reset(s)`,
      );
      during.push(r);
    }
    for (let i = 0; i < betweenPollsRuns; i++) {
      const r = await oursOnce(stand, queue, `between-${i}`, channelId('C0BTW', i), 'between-polls');
      log(
        `crash ours, killed between polls, run ${i + 1}: result ${ms(r.ms)} after the kill, ${r.resets} reset(s)`,
      );
      between.push(r);
    }
    base = await baseline;
  } finally {
    await baseline.catch(() => undefined);
    await queue.close();
    redis.disconnect();
    await stand.stop();
  }

  const times = (rs: Recovery[]) => rs.map((r) => r.ms);
  const resetsCell = (rs: Recovery[]) =>
    `ResetDistributionCache ${[...new Set(rs.map((r) => r.resets))].join('/')}× per request`;
  const range = (rs: Recovery[]) =>
    `${ms(median(times(rs)))} (${ms(Math.min(...times(rs)))}–${ms(max(times(rs)))}, n=${rs.length})`;
  const oneResetEach = (rs: Recovery[]) => rs.every((r) => r.resets === 1);
  return {
    rows: [
      {
        what: '7. Crash recovery: kill -9 during a GetOperation call, restart at once → result in thread',
        ours: `${range(during)}; ${resetsCell(during)}`,
        baseline: `${range(base)}; ${resetsCell(base)} (minimal worker, BullMQ defaults)`,
        ratio: factor(median(times(during)) / median(times(base))),
        target: `< ${TARGET_MS / 1000} s, 1 reset per request`,
        met: met(median(times(during)) < TARGET_MS && oneResetEach(during)),
      },
      {
        what: '7. Crash recovery: kill -9 between polls (job waiting as delayed), restart at once → result',
        ours: `${range(between)}; ${resetsCell(between)}`,
        baseline: '—',
        ratio: '—',
        target: `< ${TARGET_MS / 1000} s, 1 reset per request`,
        met: met(median(times(between)) < TARGET_MS && oneResetEach(between)),
      },
    ],
    notes: [
      `Crash (7): the app in one process (its only worker) with the default WORKER_LOCK_DURATION (10 s; our stalledInterval is half of it, 5 s); ` +
        `operations finish ${OPERATION_MS / 1000} s after the reset; polling every ${POLL_MS} ms doubling to ${POLL_MS * 4} ms. ` +
        `"During a GetOperation call": the fake holds one poll for ${HELD_POLL_MS / 1000} s and the app is killed while it waits (its step is active and its job locked). ` +
        `"Between polls": killed while the job waits as a delayed job. Restart = a new app process at once (its start-up, about a second, is included). ` +
        `Baseline: the minimal worker with BullMQ's defaults (lockDuration 30 s, stalledInterval 30 s), killed the same way, ${baselineRuns} run(s) only (each takes 30-90 s), run beside ours with fakes and a queue of their own; it starts the job over, so it resets again.`,
    ],
  };
}
