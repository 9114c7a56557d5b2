import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { benchAckLatency } from './ack-latency.js';
import { benchCallsPerReset } from './calls-per-reset.js';
import { benchClickToReset } from './click-to-reset.js';
import { benchCrashRecovery } from './crash-recovery.js';
import { removeBuildSnapshot, takeBuildSnapshot } from './lib/build-snapshot.js';
import { percentileChartSvg } from './lib/latency-chart.js';
import { type BenchMode, type BenchOutcome, FULL, type Log, QUICK } from './lib/mode.js';
import { markdownTable, type Row } from './lib/table.js';
import { benchSlackBursts } from './slack-bursts.js';
import { benchWorkerThroughput } from './worker-throughput.js';

// npm run bench [-- --quick] [-- --only ack,click,...]: runs the benchmarks, prints one table, and
// writes it to bench/results/latest.md with the ack latency chart next to it.

interface Benchmark {
  id: string;
  run: (mode: BenchMode, log: Log) => Promise<BenchOutcome>;
}

const RESULTS = new URL('./results/', import.meta.url);

/** Which source the build came from: the commit, and whether the working tree had changes. */
function builtFrom(): string {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src'], { encoding: 'utf8' }).trim();
    return `commit ${commit}${dirty ? ' plus uncommitted changes in src/' : ''}`;
  } catch {
    return 'an unknown commit';
  }
}

function parseArgs(argv: string[]): { mode: BenchMode; only: Set<string> | undefined } {
  const mode = argv.includes('--quick') ? QUICK : FULL;
  const onlyAt = argv.indexOf('--only');
  const only = onlyAt >= 0 ? new Set((argv[onlyAt + 1] ?? '').split(',').filter(Boolean)) : undefined;
  return { mode, only };
}

async function main(): Promise<void> {
  const { mode, only } = parseArgs(process.argv.slice(2));
  const began = Date.now();
  const log: Log = (line) => {
    const seconds = ((Date.now() - began) / 1000).toFixed(0).padStart(4);
    process.stderr.write(`[${seconds} s] ${line}\n`);
  };

  let ackChart: string | undefined;
  const benchmarks: Benchmark[] = [
    {
      id: 'ack',
      run: async (m, l) => {
        const outcome = await benchAckLatency(m, l);
        ackChart = percentileChartSvg(
          'Slash-command ack latency: ours against bare Bolt',
          `${m.name} run, ${new Date().toISOString().slice(0, 16)}Z; all runs pooled; open-loop load over HTTP on 127.0.0.1`,
          outcome.chart,
        );
        return outcome;
      },
    },
    { id: 'click', run: benchClickToReset },
    { id: 'throughput', run: benchWorkerThroughput },
    { id: 'calls', run: benchCallsPerReset },
    { id: 'slack', run: benchSlackBursts },
    { id: 'crash', run: benchCrashRecovery },
  ];

  const unknown = [...(only ?? [])].filter((id) => !benchmarks.some((b) => b.id === id));
  if (unknown.length > 0) {
    throw new Error(
      `unknown benchmark(s) ${unknown.join(', ')}: use ${benchmarks.map((b) => b.id).join(', ')}`,
    );
  }

  const rows: Row[] = [];
  const notes: string[] = [];
  const loadBefore = loadavg()[0] ?? 0;
  await takeBuildSnapshot();
  const build = builtFrom();
  try {
    for (const benchmark of benchmarks) {
      if (only && !only.has(benchmark.id)) continue;
      log(`${benchmark.id}: starting`);
      const outcome = await benchmark.run(mode, log);
      rows.push(...outcome.rows);
      notes.push(...outcome.notes);
      log(`${benchmark.id}: done`);
    }
  } finally {
    await removeBuildSnapshot();
  }

  // Rows in the order of the issue's list (memory, 6, is measured with the throughput runs of 3).
  const numberOf = (row: Row) => Number.parseInt(row.what, 10);
  rows.sort((a, b) => numberOf(a) - numberOf(b));
  const minutes = ((Date.now() - began) / 60_000).toFixed(1);
  const machineNode = process.env.BENCH_MACHINE_NODE;
  const node =
    machineNode && machineNode !== process.version
      ? `Node ${process.version} for every process of the run (this machine's own: ${machineNode})`
      : `Node ${process.version}`;
  const machine = `${cpus().length} cores, ${node}, load average ${loadBefore.toFixed(2)} before / ${(loadavg()[0] ?? 0).toFixed(2)} after`;
  const report = [
    `# lightsail-reset benchmarks — ${mode.name} run`,
    '',
    `${new Date().toISOString()}; ${machine}; took ${minutes} min.${only ? ` Only: ${[...only].join(', ')}.` : ''}`,
    '',
    mode.name === 'quick'
      ? 'Quick mode (`--quick`): shorter runs and fewer repeats, for development; quote a full run.'
      : 'Full run. Times are medians over repeated runs on a shared, noisy 2-core machine; compare ratios, not absolute times.',
    '',
    `The app under test is the build of ${build} (dist/ copied aside when the run started).`,
    '',
    markdownTable(rows),
    '',
    ...notes.map((note) => `- ${note}`),
    '',
  ].join('\n');

  await mkdir(RESULTS, { recursive: true });
  await writeFile(new URL('latest.md', RESULTS), report);
  if (ackChart) await writeFile(new URL('ack-latency.svg', RESULTS), ackChart);
  process.stdout.write(report);
  // Fakes and child processes are stopped; timers of the SDK clients may linger.
  process.exit(0);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
