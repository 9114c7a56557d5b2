import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { FakeLightsail } from '../src/local/fake-lightsail.js';
import { FakeSlack } from '../src/local/fake-slack.js';
import { STAND_BOT_TOKEN } from '../src/local/local-stand.js';
import { startRedisServer } from '../src/local/redis-server.js';
import { QUEUES } from '../src/queue/jobs.js';
import { MinimalProducer, minimalWorker } from './lib/minimal.js';
import type { BenchMode, BenchOutcome, Log } from './lib/mode.js';
import { appHeapMiB, cpuMs, rssMiB, sleep, waitForCpuQuiet, waitUntil } from './lib/processes.js';
import { commandCounts } from './lib/redis-stats.js';
import {
  approve,
  askInOwnChannels,
  channelId,
  forEachLimited,
  isFinalReply,
  startBenchStand,
} from './lib/stand.js';
import { median } from './lib/stats.js';
import { factor, fixed, met } from './lib/table.js';

const LATENCY_MS = 50;
const POLL_MS = 20;
const CONCURRENCY = 20;
const SCRIPT = { statuses: ['Started', 'Started', 'Succeeded'] };
const THROUGHPUT_TARGET = 1.3;
const GROWTH_TARGET = 0.1;
// Node settles its heap a while after a burst; RSS "after" is read this long after the last reset.
const SETTLE_MS = 5_000;
// ...and once more after this much idle time, when V8's memory reducer has had its turn.
const IDLE_MS = 30_000;
const warmupCount = (resets: number) => Math.max(20, Math.round(resets * 0.05));

interface Drain {
  resets: number;
  seconds: number;
  cpuMs: number;
  redisCpuMs: number;
  slackCalls: number;
  lightsailCalls: number;
  redisCommands: number;
  redisScripts: number;
}

interface Run {
  drain: Drain;
  /** After start-up, before any request. */
  idleRssMiB: number;
  /** Idle again after a few warm-up resets through the same path. */
  warmRssMiB: number;
  afterRssMiB: number;
  /** Read again once the process has been idle for IDLE_MS more (V8 shrinks its heap when idle). */
  idleAgainRssMiB: number;
  /** Ours only: the V8 heap (from /metrics) when RSS "after" was read. */
  afterHeap?: { total: number; used: number };
}

interface DrainSubject {
  pid: number;
  redisPid: number;
  slack: FakeSlack;
  lightsail: FakeLightsail;
  redis: Redis;
  resets: number;
  resume: () => Promise<void>;
}

/** Resumes a paused queue full of approved resets and measures the worker until every one has its final reply. */
async function measureDrain(subject: DrainSubject): Promise<Drain> {
  const { pid, slack, lightsail, redis } = subject;
  await waitForCpuQuiet(pid);
  const slackFrom = slack.calls.length;
  const lightsailFrom = lightsail.calls.length;
  const redisFrom = await commandCounts(redis);
  const cpuFrom = cpuMs(pid);
  const redisCpuFrom = cpuMs(subject.redisPid);
  const began = Date.now();
  await subject.resume();

  let finals = 0;
  let scanned = slackFrom;
  await waitUntil(
    `${subject.resets} final replies`,
    () => {
      for (; scanned < slack.calls.length; scanned++) {
        if (isFinalReply(slack.calls[scanned] as (typeof slack.calls)[number])) finals++;
      }
      return finals >= subject.resets;
    },
    600_000,
    100,
  );
  // The final card edit follows the final reply: wait for Slack to go quiet, then stop the clock at its last call.
  await waitUntil('Slack to go quiet', () => Date.now() - (slack.calls.at(-1)?.at ?? 0) > 300, 60_000, 50);
  const ended = slack.calls.at(-1)?.at ?? Date.now();
  const cpuTo = cpuMs(pid);
  const redisCpuTo = cpuMs(subject.redisPid);
  const redisTo = await commandCounts(redis);
  return {
    resets: subject.resets,
    seconds: (ended - began) / 1000,
    cpuMs: cpuTo - cpuFrom,
    redisCpuMs: redisCpuTo - redisCpuFrom,
    slackCalls: slack.calls.length - slackFrom,
    lightsailCalls: lightsail.calls.length - lightsailFrom,
    redisCommands: redisTo.total - redisFrom.total,
    redisScripts: redisTo.scripts - redisFrom.scripts,
  };
}

/** Ours: the app in one process (web and worker, as `npm start`), requests made through its HTTP endpoint. */
async function runOurs(resets: number, log: Log): Promise<Run> {
  const names = Array.from({ length: resets }, (_, i) => `tp-${String(i).padStart(4, '0')}`);
  const warmNames = Array.from({ length: warmupCount(resets) }, (_, i) => `tw-${String(i).padStart(4, '0')}`);
  const stand = await startBenchStand({
    distributionNames: [...names, ...warmNames],
    env: { POLL_INTERVAL_MS: String(POLL_MS), POLL_MAX_INTERVAL_MS: String(POLL_MS) },
    lightsailLatencyMs: LATENCY_MS,
  });
  stand.lightsail.setOperationScript(SCRIPT);
  const redis = new Redis(stand.redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue(QUEUES.reset, { connection: redis, prefix: stand.prefix });
  const askAndApprove = async (batch: string[], channelPrefix: string) => {
    const cards = await askInOwnChannels(
      stand,
      batch.map((name, i) => ({ name, channel: channelId(channelPrefix, i) })),
      CONCURRENCY,
    );
    await forEachLimited(cards, CONCURRENCY, (card) => approve(stand, card));
  };
  try {
    const pid = stand.app?.pid ?? 0;
    await sleep(1000);
    await waitForCpuQuiet(pid);
    const idleRssMiB = rssMiB(pid);

    const warmFrom = stand.slack.calls.length;
    await askAndApprove(warmNames, 'C0TW');
    await waitUntil(
      'the warm-up resets',
      () => countFinals(stand.slack, warmFrom) >= warmNames.length,
      120_000,
      100,
    );
    await waitForCpuQuiet(pid);
    const warmRssMiB = rssMiB(pid);

    await queue.pause();
    await askAndApprove(names, 'C0TP');
    await waitUntil(
      `${resets} queued resets`,
      async () => (await queue.getJobCounts('wait')).wait === resets,
      120_000,
      100,
    );
    log(`throughput ours: ${resets} requests asked and approved (queue paused); draining`);
    const drain = await measureDrain({
      pid,
      redisPid: stand.redis?.pid ?? 0,
      slack: stand.slack,
      lightsail: stand.lightsail,
      redis,
      resets,
      resume: () => queue.resume(),
    });
    await sleep(SETTLE_MS);
    const afterRssMiB = rssMiB(pid);
    const afterHeap = await appHeapMiB(stand.port);
    await sleep(IDLE_MS);
    return { drain, idleRssMiB, warmRssMiB, afterRssMiB, idleAgainRssMiB: rssMiB(pid), afterHeap };
  } finally {
    await queue.close();
    redis.disconnect();
    await stand.stop();
  }
}

const countFinals = (slack: FakeSlack, from: number) => slack.calls.slice(from).filter(isFinalReply).length;

/** The minimal worker against its own redis-server and fakes, jobs queued directly. */
async function runMinimal(resets: number, log: Log): Promise<Run> {
  const names = Array.from({ length: resets }, (_, i) => `mp-${String(i).padStart(4, '0')}`);
  const warmNames = Array.from({ length: warmupCount(resets) }, (_, i) => `mw-${String(i).padStart(4, '0')}`);
  const redisServer = await startRedisServer();
  const slack = new FakeSlack({ botToken: STAND_BOT_TOKEN });
  const lightsail = new FakeLightsail({
    distributions: [...names, ...warmNames].map((name) => ({ name })),
    latencyMs: LATENCY_MS,
    operationScript: SCRIPT,
  });
  await Promise.all([slack.start(), lightsail.start()]);
  const setup = {
    redisUrl: redisServer.url,
    prefix: 'bench-minimal',
    slack,
    lightsail,
    pollIntervalMs: POLL_MS,
    concurrency: CONCURRENCY,
  };
  const worker = minimalWorker(setup);
  const producer = new MinimalProducer(setup);
  const redis = new Redis(redisServer.url, { maxRetriesPerRequest: null });
  try {
    await worker.start();
    await sleep(1000);
    await waitForCpuQuiet(worker.pid);
    const idleRssMiB = rssMiB(worker.pid);

    const warmFrom = slack.calls.length;
    await forEachLimited(warmNames, CONCURRENCY, async (name, i) => {
      await producer.enqueue(await producer.postCard(channelId('C0MW', i), name));
    });
    await waitUntil(
      'the warm-up resets',
      () => countFinals(slack, warmFrom) >= warmNames.length,
      120_000,
      100,
    );
    await waitForCpuQuiet(worker.pid);
    const warmRssMiB = rssMiB(worker.pid);

    await producer.queue.pause();
    await forEachLimited(names, CONCURRENCY, async (name, i) => {
      await producer.enqueue(await producer.postCard(channelId('C0MP', i), name));
    });
    log(`throughput minimal: ${resets} jobs queued (queue paused); draining`);
    const drain = await measureDrain({
      pid: worker.pid,
      redisPid: redisServer.pid ?? 0,
      slack,
      lightsail,
      redis,
      resets,
      resume: () => producer.queue.resume(),
    });
    await sleep(SETTLE_MS);
    const afterRssMiB = rssMiB(worker.pid);
    await sleep(IDLE_MS);
    return { drain, idleRssMiB, warmRssMiB, afterRssMiB, idleAgainRssMiB: rssMiB(worker.pid) };
  } finally {
    redis.disconnect();
    await producer.close();
    await worker.stop();
    await Promise.all([slack.stop(), lightsail.stop(), redisServer.stop()]);
  }
}

const perSecond = (d: Drain) => d.resets / d.seconds;
const cpuPerReset = (d: Drain) => d.cpuMs / d.resets;
const growth = (r: Run) => (r.afterRssMiB - r.idleRssMiB) / r.idleRssMiB;
const warmGrowth = (r: Run) => (r.afterRssMiB - r.warmRssMiB) / r.warmRssMiB;
const idleAgainGrowth = (r: Run) => (r.idleAgainRssMiB - r.idleRssMiB) / r.idleRssMiB;
const percent = (x: number) => `${(x * 100).toFixed(1)} %`;
const signedPercent = (x: number) => (x < 0 ? `−${percent(-x)}` : `+${percent(x)}`);

/**
 * Benchmarks 3 and 6: worker throughput and CPU per reset against the minimal BullMQ worker, and the
 * app's RSS at idle and after the resets (same runs).
 */
export async function benchWorkerThroughput(mode: BenchMode, log: Log): Promise<BenchOutcome> {
  const n = mode.throughput.resets;
  const ours: Run[] = [];
  const base: Run[] = [];
  for (let repeat = 0; repeat < mode.throughput.repeats; repeat++) {
    const order = repeat % 2 === 0 ? ['ours', 'minimal'] : ['minimal', 'ours'];
    for (const who of order) {
      const run = who === 'ours' ? await runOurs(n, log) : await runMinimal(n, log);
      (who === 'ours' ? ours : base).push(run);
      const d = run.drain;
      log(
        `throughput ${who} run ${repeat + 1}: ${fixed(perSecond(d))} resets/s, ${fixed(cpuPerReset(d), 2)} CPU ms/reset, ` +
          `${fixed(d.redisCommands / n)} Redis commands/reset, RSS ${fixed(run.idleRssMiB)} → warm ${fixed(run.warmRssMiB)} → ${fixed(run.afterRssMiB)} → idle again ${fixed(run.idleAgainRssMiB)} MiB`,
      );
    }
  }

  const med = (runs: Run[], f: (r: Run) => number) => median(runs.map(f));
  const pairwise = (f: (r: Run) => number) => median(ours.map((o, i) => f(o) / f(base[i] as Run)));
  const rateRatio = pairwise((r) => perSecond(r.drain));
  const cpuRatio = pairwise((r) => cpuPerReset(r.drain));
  const drainPerReset = (runs: Run[], field: Exclude<keyof Drain, 'resets'>) =>
    med(runs, (r) => r.drain[field] / n);
  const cpuCell = (runs: Run[]) => `${fixed(drainPerReset(runs, 'cpuMs'), 2)} ms`;
  const perReset = (runs: Run[]) => {
    const lightsail = fixed(drainPerReset(runs, 'lightsailCalls'));
    const slack = fixed(drainPerReset(runs, 'slackCalls'));
    const redis = fixed(drainPerReset(runs, 'redisCommands'), 0);
    const scripts = fixed(drainPerReset(runs, 'redisScripts'), 0);
    const redisCpu = fixed(drainPerReset(runs, 'redisCpuMs'), 2);
    return `${lightsail} Lightsail, ${slack} Slack, ${redis} Redis commands (${scripts} scripts); redis-server CPU ${redisCpu} ms`;
  };
  const rss = (runs: Run[]) => {
    const idle = fixed(med(runs, (r) => r.idleRssMiB));
    const warm = fixed(med(runs, (r) => r.warmRssMiB));
    const after = fixed(med(runs, (r) => r.afterRssMiB));
    return `${idle} → ${after} MiB (${signedPercent(med(runs, growth))}; from warm idle ${warm} MiB: ${signedPercent(med(runs, warmGrowth))})`;
  };
  const oursGrowth = med(ours, growth);
  const idleAgain = (runs: Run[]) =>
    `${fixed(med(runs, (r) => r.idleRssMiB))} → ${fixed(med(runs, (r) => r.idleAgainRssMiB))} MiB (${signedPercent(med(runs, idleAgainGrowth))})`;

  return {
    rows: [
      {
        what: `3. Worker throughput, ${n} approved resets`,
        ours: `${fixed(med(ours, (r) => perSecond(r.drain)))} resets/s`,
        baseline: `${fixed(med(base, (r) => perSecond(r.drain)))} resets/s (minimal worker)`,
        ratio: factor(rateRatio),
        target: `≥ 1/${THROUGHPUT_TARGET} of minimal (ratio ≥ ${fixed(1 / THROUGHPUT_TARGET, 2)}×)`,
        met: met(rateRatio >= 1 / THROUGHPUT_TARGET),
      },
      {
        what: '3. Worker CPU per reset (utime+stime)',
        ours: cpuCell(ours),
        baseline: `${cpuCell(base)} (minimal worker)`,
        ratio: factor(cpuRatio),
        target: `≤ ${THROUGHPUT_TARGET}× minimal`,
        met: met(cpuRatio <= THROUGHPUT_TARGET),
      },
      {
        what: '3. Per reset while draining (context; ratio: Redis commands)',
        ours: perReset(ours),
        baseline: perReset(base),
        ratio: factor(pairwise((r) => r.drain.redisCommands)),
        target: '—',
        met: '—',
      },
      {
        what: `6. App RSS at idle → after ${n} resets`,
        ours: rss(ours),
        baseline: `${rss(base)} (minimal worker)`,
        ratio: '—',
        target: `growth < ${percent(GROWTH_TARGET)}`,
        met: met(oursGrowth < GROWTH_TARGET),
      },
      {
        what: `6. App RSS at idle → idle again ${IDLE_MS / 1000} s later`,
        ours: idleAgain(ours),
        baseline: `${idleAgain(base)} (minimal worker)`,
        ratio: '—',
        target: `growth < ${percent(GROWTH_TARGET)}`,
        met: met(med(ours, idleAgainGrowth) < GROWTH_TARGET),
      },
    ],
    notes: [
      `Throughput (3) and memory (6): ${mode.throughput.repeats} run(s) per side, sides alternating, a fresh redis-server each run; fake Lightsail answers every call after ${LATENCY_MS} ms; ` +
        `operations end after 3 polls (Started, Started, Succeeded); both sides poll every ${POLL_MS} ms (ours: POLL_INTERVAL_MS = POLL_MAX_INTERVAL_MS = ${POLL_MS}) with concurrency ${CONCURRENCY}. ` +
        `Ours: the built app in one process (web + worker, LOG_LEVEL=info); the ${n} requests were made through its own HTTP endpoint (signed command, then signed Approve click) while its reset queue was paused, then the queue was resumed. ` +
        `Minimal worker (bench/baselines/minimal-worker.ts): one job a reset, polls while holding its slot, same Lightsail calls and the same 2 replies + 2 card edits; jobs queued directly into a paused queue. ` +
        `Clock: from resume to the last Slack call; CPU: /proc/<pid>/stat utime+stime of the worker process over that span; ratio columns are medians of per-run ratios. ` +
        `Redis commands are from INFO commandstats (commands run inside Lua scripts count too). ` +
        `Ours after: V8 heap total ${fixed(med(ours, (r) => r.afterHeap?.total ?? Number.NaN))} MiB, used ${fixed(med(ours, (r) => r.afterHeap?.used ?? Number.NaN))} MiB (app's /metrics). ` +
        `RSS from /proc/<pid>/status: idle = after start-up, before any request (the target is judged on this); warm idle = idle again after ${warmupCount(n)} warm-up resets through the same path; after = ${SETTLE_MS / 1000} s after the last reset; idle again = ${IDLE_MS / 1000} s after that, with no request meanwhile.`,
    ],
  };
}
