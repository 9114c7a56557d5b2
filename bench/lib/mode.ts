import type { Row } from './table.js';

/** How long and how often each benchmark runs: the full run, or a quick one for development. */
export interface BenchMode {
  name: 'full' | 'quick';
  ack: { rates: number[]; warmupMs: number; durationMs: number; repeats: number };
  clickToReset: { samples: number };
  throughput: { resets: number; repeats: number };
  callsPerReset: { resetsPerDuration: number };
  slackBursts: { resetsAtOnce: number };
  crash: { runs: number; baselineRuns: number; betweenPollsRuns: number };
}

export const FULL: BenchMode = {
  name: 'full',
  ack: { rates: [50, 200], warmupMs: 2_000, durationMs: 20_000, repeats: 5 },
  clickToReset: { samples: 80 },
  throughput: { resets: 2_000, repeats: 3 },
  callsPerReset: { resetsPerDuration: 5 },
  slackBursts: { resetsAtOnce: 8 },
  crash: { runs: 5, baselineRuns: 3, betweenPollsRuns: 3 },
};

export const QUICK: BenchMode = {
  name: 'quick',
  ack: { rates: [50, 200], warmupMs: 1_000, durationMs: 5_000, repeats: 1 },
  clickToReset: { samples: 30 },
  throughput: { resets: 300, repeats: 1 },
  callsPerReset: { resetsPerDuration: 2 },
  slackBursts: { resetsAtOnce: 8 },
  crash: { runs: 2, baselineRuns: 1, betweenPollsRuns: 1 },
};

/** What one benchmark hands back: its table rows and the notes that say how it was measured. */
export interface BenchOutcome {
  rows: Row[];
  notes: string[];
}

export type Log = (line: string) => void;
