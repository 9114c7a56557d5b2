import { STAND_BOT_TOKEN, STAND_SIGNING_SECRET } from '../src/local/local-stand.js';
import { freePort } from '../src/local/redis-server.js';
import { BARE_BOLT_SCRIPT } from './baselines/minimal-job.js';
import type { ChartSeries } from './lib/latency-chart.js';
import type { BenchMode, BenchOutcome, Log } from './lib/mode.js';
import { type OpenLoopResult, runOpenLoop } from './lib/open-loop.js';
import { cpuMs, ScriptProcess, waitForCpuQuiet } from './lib/processes.js';
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

type Who = 'ours' | 'bolt';

/**
 * Benchmark 1: how fast a valid `/lightsail-reset <name>` is acked over HTTP under open-loop load,
 * against a bare Bolt app that only acks, at each rate, repeated with the two apps alternating.
 */
export async function benchAckLatency(mode: BenchMode, log: Log): Promise<AckOutcome> {
  // Every command of ours names a distribution of its own, so each one is carded (one open request per distribution).
  const commandsPerRun = (rate: number) =>
    Math.round((rate * (mode.ack.warmupMs + mode.ack.durationMs)) / 1000);
  const prefixOf = (repeat: number, rate: number) => `ack${repeat}r${rate}-`;
  const names = Array.from({ length: mode.ack.repeats }, (_, repeat) =>
    mode.ack.rates.flatMap((rate) =>
      Array.from({ length: commandsPerRun(rate) }, (_, i) => `${prefixOf(repeat, rate)}${i}`),
    ),
  ).flat();
  const channelsOf = (rate: number) =>
    Array.from({ length: channelsAt(rate) }, (_, i) => channelId('C0ACK', i));
  const stand = await startBenchStand({ distributionNames: names });
  const boltPort = await freePort();
  const bolt = new ScriptProcess(BARE_BOLT_SCRIPT, {
    PORT: String(boltPort),
    SLACK_BOT_TOKEN: STAND_BOT_TOKEN,
    SLACK_SIGNING_SECRET: STAND_SIGNING_SECRET,
    SLACK_API_URL: stand.slack.apiUrl,
  });
  const results = new Map<string, OpenLoopResult[]>();
  // CPU each app spent per command, its work after the ack included (the run, then until it is quiet).
  const cpuPerCommand = new Map<Who, number[]>();
  // Each of our commands should end in a card (chat.postMessage outside a thread): counted as a check.
  const cards = () =>
    stand.slack.calls.filter((c) => c.method === 'chat.postMessage' && !c.args.thread_ts).length;
  let carded = 0;
  let asked = 0;
  const key = (who: Who, rate: number) => `${who}@${rate}`;
  try {
    await bolt.start();
    const urls: Record<Who, string> = {
      ours: stand.eventsUrl,
      bolt: `http://127.0.0.1:${boltPort}/slack/events`,
    };
    const pids: Record<Who, number> = { ours: stand.app?.pid ?? 0, bolt: bolt.pid };
    for (let repeat = 0; repeat < mode.ack.repeats; repeat++) {
      for (const rate of mode.ack.rates) {
        const order: Who[] = repeat % 2 === 0 ? ['ours', 'bolt'] : ['bolt', 'ours'];
        for (const who of order) {
          const cpuFrom = cpuMs(pids[who]);
          const cardsFrom = cards();
          const result = await runOpenLoop({
            url: urls[who],
            signingSecret: STAND_SIGNING_SECRET,
            ratePerSecond: rate,
            warmupMs: mode.ack.warmupMs,
            durationMs: mode.ack.durationMs,
            namePrefix: prefixOf(repeat, rate),
            channels: channelsOf(rate),
            userId: 'U0REQUEST',
            responseUrlBase: stand.slack.responseUrl(''),
          });
          const s = summarize(result.latenciesMs);
          log(
            `ack ${who} @${rate}/s run ${repeat + 1}: p50 ${ms(s.p50)}, p99 ${ms(s.p99)}, max ${ms(s.max)}, ${result.errors} errors, send lag ≤ ${ms(result.maxSendLagMs)}`,
          );
          results.set(key(who, rate), [...(results.get(key(who, rate)) ?? []), result]);
          // Our app keeps working on the last commands after acking them: let it finish first.
          await waitForCpuQuiet(pids[who]);
          const perCommand = (cpuMs(pids[who]) - cpuFrom) / commandsPerRun(rate);
          cpuPerCommand.set(who, [...(cpuPerCommand.get(who) ?? []), perCommand]);
          if (who === 'ours') {
            carded += cards() - cardsFrom;
            asked += commandsPerRun(rate);
          }
        }
      }
    }
  } finally {
    await bolt.stop();
    await stand.stop();
  }

  const rows: Row[] = [];
  const chart: ChartSeries[] = [];
  let worstLag = 0;
  for (const [index, rate] of mode.ack.rates.entries()) {
    const ours = results.get(key('ours', rate)) ?? [];
    const base = results.get(key('bolt', rate)) ?? [];
    const oursRuns = ours.map((r) => summarize(r.latenciesMs));
    const baseRuns = base.map((r) => summarize(r.latenciesMs));
    const p99Ratios = oursRuns.map((o, i) => o.p99 / (baseRuns[i]?.p99 ?? Number.NaN));
    const p99Ratio = median(p99Ratios);
    const cell = (runs: typeof oursRuns) =>
      `${ms(median(runs.map((r) => r.p50)))} / ${ms(median(runs.map((r) => r.p99)))}`;
    rows.push({
      what: `1. Slash-command ack at ${rate} req/s, p50 / p99`,
      ours: cell(oursRuns),
      baseline: `${cell(baseRuns)} (bare Bolt)`,
      ratio: `p99 ${factor(p99Ratio)}`,
      target: `p99 ≤ ${P99_TARGET_RATIO}× bare Bolt`,
      met: met(p99Ratio <= P99_TARGET_RATIO),
    });
    const errors = (runs: OpenLoopResult[]) => runs.reduce((n, r) => n + r.errors, 0);
    const sent = (runs: OpenLoopResult[]) => runs.reduce((n, r) => n + r.sent, 0);
    const slowest = (runs: typeof oursRuns) => max(runs.map((r) => r.max));
    rows.push({
      what: `1. Slash-command ack at ${rate} req/s, errors and slowest`,
      ours: `${errors(ours)} of ${sent(ours)}; max ${ms(slowest(oursRuns))}`,
      baseline: `${errors(base)} of ${sent(base)}; max ${ms(slowest(baseRuns))}`,
      ratio: '—',
      target: `0 errors; none near 3 s (max < ${NEAR_LIMIT_MS / 1000} s)`,
      met: met(errors(ours) === 0 && slowest(oursRuns) < NEAR_LIMIT_MS),
    });
    const color = ['#1f77b4', '#d62728', '#2ca02c'][index % 3] as string;
    chart.push(
      { label: `ours, ${rate} req/s`, color, dashed: false, samplesMs: ours.flatMap((r) => r.latenciesMs) },
      {
        label: `bare Bolt, ${rate} req/s`,
        color,
        dashed: true,
        samplesMs: base.flatMap((r) => r.latenciesMs),
      },
    );
    worstLag = Math.max(worstLag, ...ours.map((r) => r.maxSendLagMs), ...base.map((r) => r.maxSendLagMs));
  }

  const seconds = mode.ack.durationMs / 1000;
  return {
    rows,
    chart,
    notes: [
      `Ack (1): ${mode.ack.repeats} run(s) of ${seconds} s per rate and app, each after a ${mode.ack.warmupMs / 1000} s warm-up, ours and bare Bolt alternating; ` +
        `valid signed commands, each for a distribution of its own, over ${mode.ack.rates.map((rate) => `${channelsAt(rate)} channels at ${rate} req/s`).join(', ')} (a command every ${SECONDS_PER_CHANNEL} s per channel, so the app's pace of one post per channel per 1.1 s never holds a card back; each of ours looks the name up, records the request and posts a card). ` +
        `Open-loop generator in its own process, keep-alive connections; latency from send to full answer. ` +
        `Cells are medians over runs of each run's p50/p99; the ratio is the median of per-run ratios. ` +
        `The generator sent at most ${ms(worstLag)} behind its schedule. ` +
        `${carded} of our ${asked} commands (warm-ups included) ended in a card. ` +
        `CPU per command (process utime+stime, median over runs, work after the ack included): ours ${ms(median(cpuPerCommand.get('ours') ?? []))}, bare Bolt ${ms(median(cpuPerCommand.get('bolt') ?? []))}.`,
    ],
  };
}
