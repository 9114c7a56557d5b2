import type { LocalStand } from '../src/local/local-stand.js';
import type { BenchMode, BenchOutcome, Log } from './lib/mode.js';
import { waitUntil } from './lib/processes.js';
import {
  approve,
  askInOwnChannels,
  channelId,
  finalReplyOf,
  lightsailCallsFor,
  startBenchStand,
} from './lib/stand.js';
import { max, median } from './lib/stats.js';
import { factor, met, type Row } from './lib/table.js';

// Call counts do not depend on the time scale, so everything runs 20 times faster than real time,
// Redis's timer included: a step job waiting as a delayed job is woken on Redis's clock tick
// (hz 10: every 100 ms), so hz goes up as much as time goes down.
const SCALE = 20;
const REDIS_HZ = 10 * SCALE;
const OURS_POLLING = {
  POLL_INTERVAL_MS: String(2_000 / SCALE),
  POLL_MAX_INTERVAL_MS: String(30_000 / SCALE),
};
const FIXED_POLLING = {
  POLL_INTERVAL_MS: String(2_000 / SCALE),
  POLL_MAX_INTERVAL_MS: String(2_000 / SCALE),
};

const DURATIONS = [
  { label: '10 s', key: 'd10s', realMs: 10_000, target: 8 },
  { label: '60 s', key: 'd60s', realMs: 60_000, target: 12 },
  { label: '5 min', key: 'd5m', realMs: 300_000, target: 20 },
];

type Side = 'ours' | 'fixed';

const nameOf = (side: Side, key: string, i: number) => `${side}-${key}-${i}`;

/**
 * Runs one side on a stand of its own: asks for and approves every reset at once; returns the
 * Lightsail calls made for each, by duration.
 */
async function countCalls(side: Side, perDuration: number): Promise<Map<string, number[]>> {
  const names = DURATIONS.flatMap((d) =>
    Array.from({ length: perDuration }, (_, i) => nameOf(side, d.key, i)),
  );
  const durationOf = new Map(
    names.map((name) => [name, (DURATIONS.find((d) => name.includes(`-${d.key}-`))?.realMs ?? 0) / SCALE]),
  );
  const stand = await startBenchStand({
    distributionNames: names,
    env: side === 'ours' ? OURS_POLLING : FIXED_POLLING,
    redisArgs: ['--hz', String(REDIS_HZ)],
  });
  try {
    stand.lightsail.setOperationScript((name) => ({ durationMs: durationOf.get(name) ?? 0 }));
    return await countOn(stand, side, perDuration);
  } finally {
    await stand.stop();
  }
}

async function countOn(stand: LocalStand, side: Side, perDuration: number): Promise<Map<string, number[]>> {
  const asks = DURATIONS.flatMap((d, di) =>
    Array.from({ length: perDuration }, (_, i) => ({
      key: d.key,
      name: nameOf(side, d.key, i),
      channel: channelId(side === 'ours' ? 'C0CO' : 'C0CF', di * 100 + i),
    })),
  );
  const cards = await askInOwnChannels(stand, asks);
  await Promise.all(cards.map((card) => approve(stand, card)));
  await waitUntil(
    `the ${side} resets to finish`,
    () => cards.every((card) => finalReplyOf(stand.slack.calls, card)),
    120_000,
    100,
  );
  const counts = new Map<string, number[]>();
  for (const ask of asks) {
    counts.set(ask.key, [...(counts.get(ask.key) ?? []), lightsailCallsFor(stand, ask.name).length]);
  }
  return counts;
}

/**
 * Benchmark 4: Lightsail calls per reset for operations of 10 s, 60 s and 5 min (time scaled
 * 1/100), ours (backoff from POLL_INTERVAL_MS to POLL_MAX_INTERVAL_MS) against fixed 2 s polling.
 */
export async function benchCallsPerReset(mode: BenchMode, log: Log): Promise<BenchOutcome> {
  const perDuration = mode.callsPerReset.resetsPerDuration;
  // The two sides run at the same time, each on its own stand: the longest operation sets the pace.
  const [ours, fixed] = await Promise.all([
    countCalls('ours', perDuration),
    countCalls('fixed', perDuration),
  ]);

  const rows: Row[] = DURATIONS.map((d) => {
    const o = ours.get(d.key) ?? [];
    const f = fixed.get(d.key) ?? [];
    log(`calls: ${d.label} ours [${o.join(', ')}], fixed [${f.join(', ')}]`);
    const cell = (counts: number[]) => `${median(counts)} (max ${max(counts)})`;
    return {
      what: `4. Lightsail calls per reset, operation of ${d.label} (scaled 1/${SCALE})`,
      ours: cell(o),
      baseline: `${cell(f)} (fixed 2 s polling)`,
      ratio: factor(median(o) / median(f)),
      target: `≤ ${d.target}`,
      met: met(max(o) <= d.target),
    };
  });
  return {
    rows,
    notes: [
      `Calls (4): ${perDuration} resets per duration, all at once; time scaled 1/${SCALE} (operations of ${DURATIONS.map((d) => `${d.realMs / SCALE} ms`).join(' / ')}, ` +
        `redis-server --hz ${REDIS_HZ} so that its timer, which wakes delayed step jobs, scales too; ` +
        `ours POLL_INTERVAL_MS=${OURS_POLLING.POLL_INTERVAL_MS}, POLL_MAX_INTERVAL_MS=${OURS_POLLING.POLL_MAX_INTERVAL_MS}, i.e. the defaults 2 s / 30 s scaled; ` +
        `baseline: the same app with POLL_MAX_INTERVAL_MS=POLL_INTERVAL_MS=${FIXED_POLLING.POLL_INTERVAL_MS}, i.e. fixed 2 s polling scaled). ` +
        'Counted: every Lightsail call made for the request (the lookups when the command arrives, ResetDistributionCache, GetOperation polls). ' +
        'The few ms each step takes do not scale down, so at this scale polls are slightly sparser than in real time (fixed polling is affected most). ' +
        'Each side runs on a stand of its own (redis-server, fakes, app), both at once.',
    ],
  };
}
