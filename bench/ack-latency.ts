import { STAND_BOT_TOKEN, STAND_SIGNING_SECRET } from '../src/local/local-stand.js';
import { freePort } from '../src/local/redis-server.js';
import {
  BARE_BOLT_SCRIPT,
  MINIMAL_CARD_WEB_SCRIPT,
  MINIMAL_CARD_WORKER_SCRIPT,
} from './baselines/minimal-job.js';
import type { ChartSeries } from './lib/latency-chart.js';
import type { BenchMode, BenchOutcome, Log } from './lib/mode.js';
import { type OpenLoopResult, runOpenLoop } from './lib/open-loop.js';
import { cpuMs, renice, ScriptProcess, waitForCpuQuiet, waitUntil } from './lib/processes.js';
import { channelId, startBenchStand } from './lib/stand.js';
import { max, median, summarize } from './lib/stats.js';
import { factor, met, ms, type Row } from './lib/table.js';

export interface AckOutcome extends BenchOutcome {
  chart: ChartSeries[];
}

const P99_TARGET_RATIO = 1.5;
// "Near Slack's 3 s limit": we call anything slower than 1 s near it.
const NEAR_LIMIT_MS = 1_000;
// The app posts at most one message per channel per CHANNEL_SPACING_MS (cards included), as Slack asks:
// commands are spread over enough channels that each one gets a command every 2 s, so that every card
// is posted during its run, not queued behind the others of its channel.
const SECONDS_PER_CHANNEL = 2;
const channelsAt = (rate: number) => Math.max(50, Math.ceil(rate * SECONDS_PER_CHANNEL));

// Ours as deployed for load (README, "Scaling out"): the web role alone in its process, which only acks
// and queues each command, and one process in the worker role that answers it. Ours in one process
// (`npm start`, both roles sharing one event loop) is measured too, for context.
// A minimal card bot (bare Bolt with one Queue.add, and a worker making only the Lightsail and Slack
// calls of a card) shows what any bot that cards each command costs the ack on this machine.
// A second bare Bolt, measured against the first by the same method, shows how far the ratio of two
// identical apps moves on this machine (an A/A run): the noise floor of every ratio of row 1.
// Ours' web process is also measured alone, its worker paused (SIGSTOP) for the run and let go after
// it: the acking process as it is when the card work runs on other cores (or hosts) than its own.
type Who = 'ours' | 'web' | 'one' | 'mincard' | 'bolt' | 'bolt2';
// Sharing a host, the worker process yields the CPU to the web process, as README "Scaling out" advises.
const WORKER_NICE = 10;
// The fakes of Slack and Lightsail stand in for remote services: they yield the CPU too (see below).
const STAND_IN_NICE = 10;
const SUBJECTS: Who[] = ['ours', 'web', 'one', 'mincard', 'bolt', 'bolt2'];
const LABEL: Record<Who, string> = {
  ours: 'ours (web + worker processes)',
  web: "ours' web process alone (its worker paused during the run, the cards made after it)",
  one: 'ours in one process',
  mincard: 'a minimal card bot (web + worker processes)',
  bolt: 'bare Bolt',
  bolt2: 'a second bare Bolt',
};

/**
 * Benchmark 1: how fast a valid `/lightsail-reset <name>` is acked over HTTP under open-loop load,
 * against a bare Bolt app that only acks, at each rate, repeated with the apps taking turns.
 */
export async function benchAckLatency(mode: BenchMode, log: Log): Promise<AckOutcome> {
  // Every command of ours names a distribution of its own, so each one is carded (one open request per distribution).
  const commandsPerRun = (rate: number) =>
    Math.round((rate * (mode.ack.warmupMs + mode.ack.durationMs)) / 1000);
  const prefixOf = (repeat: number, rate: number) => `ack${repeat}r${rate}-`;
  // The web process alone asks on ours' stand, for distributions of its own.
  const webPrefixOf = (repeat: number, rate: number) => `web${prefixOf(repeat, rate)}`;
  const names = Array.from({ length: mode.ack.repeats }, (_, repeat) =>
    mode.ack.rates.flatMap((rate) =>
      Array.from({ length: commandsPerRun(rate) }, (_, i) => `${prefixOf(repeat, rate)}${i}`),
    ),
  ).flat();
  const channelsOf = (rate: number) =>
    Array.from({ length: channelsAt(rate) }, (_, i) => channelId('C0ACK', i));
  // Two stands: ours as deployed for load (with distributions of their own for its web process
  // measured alone), and ours in one process.
  const split = await startBenchStand({
    distributionNames: [...names, ...names.map((name) => `web${name}`)],
    args: ['web'],
    workers: 1,
    workerNice: WORKER_NICE,
  });
  const one = await startBenchStand({ distributionNames: names });
  const stands = { ours: split, web: split, one };
  const bareBolt = async () => {
    const port = await freePort();
    const app = new ScriptProcess(BARE_BOLT_SCRIPT, {
      PORT: String(port),
      SLACK_BOT_TOKEN: STAND_BOT_TOKEN,
      SLACK_SIGNING_SECRET: STAND_SIGNING_SECRET,
      SLACK_API_URL: one.slack.apiUrl,
    });
    return { port, app };
  };
  const { port: boltPort, app: bolt } = await bareBolt();
  const { port: bolt2Port, app: bolt2 } = await bareBolt();
  // The minimal card bot shares the web + worker stand's redis-server (under a prefix of its own) and fakes.
  const minimalPort = await freePort();
  const minimalEnv = {
    SLACK_BOT_TOKEN: STAND_BOT_TOKEN,
    SLACK_SIGNING_SECRET: STAND_SIGNING_SECRET,
    SLACK_API_URL: split.slack.apiUrl,
    REDIS_URL: split.redisUrl,
    QUEUE_PREFIX: `${split.prefix}-minimal-card`,
  };
  const minimalWeb = new ScriptProcess(MINIMAL_CARD_WEB_SCRIPT, { ...minimalEnv, PORT: String(minimalPort) });
  const minimalWorker = new ScriptProcess(MINIMAL_CARD_WORKER_SCRIPT, {
    ...minimalEnv,
    // Ours' default.
    WORKER_CONCURRENCY: '20',
    AWS_ACCESS_KEY_ID: 'AKIDMINIMALCARD',
    AWS_SECRET_ACCESS_KEY: 'minimal-card-secret-key',
    AWS_ENDPOINT_URL_LIGHTSAIL: split.lightsail.url,
  });
  const results = new Map<string, OpenLoopResult[]>();
  // CPU each app spent per command, its work after the ack included (the run, then until it is quiet);
  // for ours, every process of it, and its web process alone.
  const cpuPerCommand = new Map<string, number[]>();
  const addCpu = (key: string, ms: number) => cpuPerCommand.set(key, [...(cpuPerCommand.get(key) ?? []), ms]);
  // Each of our commands should end in a card (chat.postMessage outside a thread): counted as a check.
  const cards = (stand: typeof split) =>
    stand.slack.calls.filter((c) => c.method === 'chat.postMessage' && !c.args.thread_ts).length;
  const carded: Record<string, number> = { ours: 0, web: 0, one: 0, mincard: 0 };
  let asked = 0;
  const key = (who: Who, rate: number) => `${who}@${rate}`;
  try {
    await Promise.all([bolt.start(), bolt2.start(), minimalWeb.start(), minimalWorker.start()]);
    renice(minimalWorker.pid, WORKER_NICE);
    // The fakes of Slack and Lightsail serve from this process; in production they are remote and
    // cost our host nothing, so here they yield the CPU to the apps under test and the generator.
    renice(process.pid, STAND_IN_NICE);
    const urls: Record<Who, string> = {
      ours: split.eventsUrl,
      web: split.eventsUrl,
      one: one.eventsUrl,
      mincard: `http://127.0.0.1:${minimalPort}/slack/events`,
      bolt: `http://127.0.0.1:${boltPort}/slack/events`,
      bolt2: `http://127.0.0.1:${bolt2Port}/slack/events`,
    };
    const oursPids = [split.app?.pid ?? 0, ...split.workers.map((w) => w.pid ?? 0)];
    const pids: Record<Who, number[]> = {
      ours: oursPids,
      web: oursPids,
      one: [one.app?.pid ?? 0],
      mincard: [minimalWeb.pid, minimalWorker.pid],
      bolt: [bolt.pid],
      bolt2: [bolt2.pid],
    };
    const cpuOf = (who: Who) => pids[who].map(cpuMs);
    const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
    for (let repeat = 0; repeat < mode.ack.repeats; repeat++) {
      for (const rate of mode.ack.rates) {
        // Each repeat starts with another subject, so that none always runs first.
        const order = SUBJECTS.map((_, i) => SUBJECTS[(i + repeat) % SUBJECTS.length] as Who);
        for (const who of order) {
          const cpuFrom = cpuOf(who);
          const stand = who === 'ours' || who === 'web' || who === 'one' ? stands[who] : undefined;
          // The minimal card bot posts to the web + worker stand's fake Slack, while that stand is idle.
          const cardStand = who === 'mincard' ? split : stand;
          const cardsFrom = cardStand ? cards(cardStand) : 0;
          const paused = who === 'web' ? split.workers.map((w) => w.pid ?? 0) : [];
          for (const pid of paused) process.kill(pid, 'SIGSTOP');
          let result: OpenLoopResult;
          try {
            result = await runOpenLoop({
              url: urls[who],
              signingSecret: STAND_SIGNING_SECRET,
              ratePerSecond: rate,
              warmupMs: mode.ack.warmupMs,
              durationMs: mode.ack.durationMs,
              namePrefix: who === 'web' ? webPrefixOf(repeat, rate) : prefixOf(repeat, rate),
              channels: channelsOf(rate),
              userId: 'U0REQUEST',
              responseUrlBase: (stand ?? one).slack.responseUrl(''),
            });
          } finally {
            for (const pid of paused) process.kill(pid, 'SIGCONT');
          }
          const s = summarize(result.latenciesMs);
          log(
            `ack ${LABEL[who]} @${rate}/s run ${repeat + 1}: p50 ${ms(s.p50)}, p99 ${ms(s.p99)}, max ${ms(s.max)}, ${result.errors} errors${result.errors > 0 ? ` (answers: ${JSON.stringify(result.statusCounts)})` : ''}, send lag ≤ ${ms(result.maxSendLagMs)}`,
          );
          results.set(key(who, rate), [...(results.get(key(who, rate)) ?? []), result]);
          if (who === 'web') {
            // Its worker cards the run's backlog at the pace of one post per channel per 1.1 s, with
            // quiet spells between: wait for every card, not only for a quiet CPU. A shortfall shows in
            // the count of cards in the notes.
            await waitUntil(
              'the paused worker to card the run',
              () => cards(split) - cardsFrom >= commandsPerRun(rate),
              120_000,
              100,
            ).catch(() => undefined);
          }
          // Our app keeps working on the last commands after acking them: let it finish first.
          for (const pid of pids[who]) await waitForCpuQuiet(pid);
          const used = cpuOf(who).map((ms, i) => ms - (cpuFrom[i] ?? 0));
          addCpu(who, sum(used) / commandsPerRun(rate));
          if (who === 'ours' || who === 'mincard')
            addCpu(`${who}-web`, (used[0] ?? 0) / commandsPerRun(rate));
          if (cardStand) carded[who] = (carded[who] ?? 0) + cards(cardStand) - cardsFrom;
          if (who === 'ours') asked += commandsPerRun(rate);
        }
      }
    }
  } finally {
    renice(process.pid, 0);
    await Promise.all([bolt.stop(), bolt2.stop(), minimalWeb.stop(), minimalWorker.stop()]);
    await Promise.all([split.stop(), one.stop()]);
  }

  const rows: Row[] = [];
  const chart: ChartSeries[] = [];
  let worstLag = 0;
  const errors = (runs: OpenLoopResult[]) => runs.reduce((n, r) => n + r.errors, 0);
  const sent = (runs: OpenLoopResult[]) => runs.reduce((n, r) => n + r.sent, 0);
  for (const [index, rate] of mode.ack.rates.entries()) {
    const runsOf = (who: Who) => results.get(key(who, rate)) ?? [];
    const summaries = (who: Who) => runsOf(who).map((r) => summarize(r.latenciesMs));
    const baseRuns = summaries('bolt');
    // Runs are paired by repeat: the ratio is taken within each repeat, then the median of those.
    const p99Ratios = (who: Who) => summaries(who).map((o, i) => o.p99 / (baseRuns[i]?.p99 ?? Number.NaN));
    const p99Ratio = (who: Who) => median(p99Ratios(who));
    const perRun = (who: Who) =>
      p99Ratios(who)
        .map((r) => r.toFixed(2))
        .join(', ');
    const cell = (who: Who) => {
      const runs = summaries(who);
      return `${ms(median(runs.map((r) => r.p50)))} / ${ms(median(runs.map((r) => r.p99)))}`;
    };
    const slowest = (who: Who) => max(summaries(who).map((r) => r.max));
    // A row given for context: judged against nothing, its p99 ratio to bare Bolt for reading only.
    const contextRow = (who: Who, what: string, showRuns = true): Row => ({
      what: `1. (context) ${what}`,
      ours: cell(who),
      baseline: `${cell('bolt')} (bare Bolt)`,
      ratio: `p99 ${factor(p99Ratio(who))}${showRuns ? ` (per run ${perRun(who)})` : ''}`,
      target: '—',
      met: '—',
    });
    rows.push(
      {
        what: `1. Slash-command ack at ${rate} req/s, p50 / p99: ${LABEL.ours}`,
        ours: cell('ours'),
        baseline: `${cell('bolt')} (bare Bolt)`,
        ratio: `p99 ${factor(p99Ratio('ours'))} (per run ${perRun('ours')})`,
        target: `p99 ≤ ${P99_TARGET_RATIO}× bare Bolt`,
        met: met(p99Ratio('ours') <= P99_TARGET_RATIO),
      },
      contextRow('web', `the same, ${LABEL.web}`),
      contextRow('one', `the same, ${LABEL.one} (npm start)`, false),
      contextRow('mincard', `the same, ${LABEL.mincard}`),
      contextRow('bolt2', `noise: ${LABEL.bolt2} against bare Bolt, the same method (A/A)`),
      {
        what: `1. Slash-command ack at ${rate} req/s, errors and slowest`,
        ours: `${errors(runsOf('ours'))} of ${sent(runsOf('ours'))}; max ${ms(slowest('ours'))} (one process: ${errors(runsOf('one'))} errors; max ${ms(slowest('one'))})`,
        baseline: `${errors(runsOf('bolt'))} of ${sent(runsOf('bolt'))}; max ${ms(slowest('bolt'))}`,
        ratio: '—',
        target: `0 errors; none near 3 s (max < ${NEAR_LIMIT_MS / 1000} s)`,
        met: met(
          errors(runsOf('ours')) + errors(runsOf('one')) === 0 &&
            Math.max(slowest('ours'), slowest('one')) < NEAR_LIMIT_MS,
        ),
      },
    );
    const color = ['#1f77b4', '#d62728', '#2ca02c'][index % 3] as string;
    const light = ['#aec7e8', '#ff9896', '#98df8a'][index % 3] as string;
    const samples = (who: Who) => runsOf(who).flatMap((r) => r.latenciesMs);
    chart.push(
      { label: `ours, ${rate} req/s`, color, dashed: false, samplesMs: samples('ours') },
      { label: `ours in one process, ${rate} req/s`, color: light, dashed: false, samplesMs: samples('one') },
      { label: `bare Bolt, ${rate} req/s`, color, dashed: true, samplesMs: samples('bolt') },
    );
    worstLag = Math.max(worstLag, ...SUBJECTS.flatMap((who) => runsOf(who).map((r) => r.maxSendLagMs)));
  }

  const seconds = mode.ack.durationMs / 1000;
  const cpu = (k: string) => ms(median(cpuPerCommand.get(k) ?? []));
  return {
    rows,
    chart,
    notes: [
      `Ack (1): ${mode.ack.repeats} run(s) of ${seconds} s per rate and subject, each after a ${mode.ack.warmupMs / 1000} s warm-up, the ${SUBJECTS.length} subjects taking turns (each repeat starts with another one); ` +
        `ours is judged as deployed for load (README, "Scaling out"): the web role alone in its process (it acks and queues the command) and one worker-role process at nice ${WORKER_NICE} that answers it (checks for a replay, looks the name up, records the request, posts the card); ours' web process alone is given for context, its worker stopped (SIGSTOP) for each of its runs and let go (SIGCONT) after it, so that the commands wait in the queue and are carded after the run: the acking process as it is where the card work runs on other cores or hosts, which this 2-vCPU machine cannot give; ours in one process (npm start) is given for context too, and so is a minimal card bot as deployed like ours (bare Bolt whose command acks and makes one Queue.add; a worker at nice ${WORKER_NICE} making the same Lightsail calls and the card's chat.postMessage, nothing else: no replay check, policy, record, expiry, pace or logs), to show what carding each command costs any bot; a second bare Bolt (a process identical to the first) measures the noise of the method: its ratio would be 1.00× on a quiet machine. The fakes of Slack and Lightsail (remote services in production) serve from the bench process at nice ${STAND_IN_NICE}; the apps under test, redis-server and the generator run at nice 0. ` +
        `Valid signed commands, each for a distribution of its own, over ${mode.ack.rates.map((rate) => `${channelsAt(rate)} channels at ${rate} req/s`).join(', ')} (a command every ${SECONDS_PER_CHANNEL} s per channel, so the app's pace of one post per channel per 1.1 s never holds a card back). ` +
        `Open-loop generator in its own process, keep-alive connections; latency from send to full answer. ` +
        `Cells are medians over runs of each run's p50/p99; the ratio is the median of per-run ratios. ` +
        `The generator sent at most ${ms(worstLag)} behind its schedule. ` +
        `Of ${asked} commands per subject (warm-ups included), ${carded.ours} ended in a card with web + worker, ${carded.web} with the web process alone (after its runs), ${carded.one} in one process and ${carded.mincard} with the minimal card bot. ` +
        `CPU per command (utime+stime, median over runs, work after the ack included): ours ${cpu('ours')} (its web process ${cpu('ours-web')}), one process ${cpu('one')}, the minimal card bot ${cpu('mincard')} (its web process ${cpu('mincard-web')}), bare Bolt ${cpu('bolt')} (the second ${cpu('bolt2')}).`,
    ],
  };
}
