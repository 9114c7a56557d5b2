import { type EventLoopUtilization, performance } from 'node:perf_hooks';
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Logger } from './logger.js';

export interface IdleMemoryRules {
  /** Event-loop utilization over the last period at or below which the process counts as idle. */
  maxUtilization: number;
  /** How much the V8 heap must have grown since the last collection for one to be worth it. */
  minGrowthBytes: number;
  /** At most one collection this often, whatever load comes and goes. */
  minGapMs: number;
}

export const IDLE_MEMORY_RULES: IdleMemoryRules = {
  maxUtilization: 0.02,
  minGrowthBytes: 32 * 2 ** 20,
  minGapMs: 10_000,
};

/** Whether to collect now: the process sat idle over the last period, after its heap grew by a burst. */
export function shouldReleaseMemory(
  reading: {
    utilization: number;
    heapBytes: number;
    heapAfterLastRelease: number;
    msSinceLastRelease: number;
  },
  rules: IdleMemoryRules = IDLE_MEMORY_RULES,
): boolean {
  return (
    reading.utilization <= rules.maxUtilization &&
    reading.heapBytes - reading.heapAfterLastRelease >= rules.minGrowthBytes &&
    reading.msSinceLastRelease >= rules.minGapMs
  );
}

/**
 * V8's full collection, made callable at run time (as --expose-gc would), compacting every page;
 * undefined if V8 refuses. A plain full collection frees the burst's objects but keeps nearly every
 * page they filled, since each still holds a few survivors (measured on the throughput bench: heap
 * 159 → 117 MiB with 38 MiB live); compacting moves the survivors together so the pages go back to the
 * system (171 → 75 MiB). The flag is V8's own, read at each full collection, and is set only for this one.
 */
function fullCollection(): (() => void) | undefined {
  let gc: unknown = globalThis.gc;
  try {
    if (typeof gc !== 'function') {
      setFlagsFromString('--expose-gc');
      gc = runInNewContext('gc');
    }
  } catch {
    return undefined;
  }
  if (typeof gc !== 'function') return undefined;
  const collect = gc as () => void;
  return () => {
    setFlagsFromString('--compact-on-every-full-gc');
    try {
      collect();
    } finally {
      setFlagsFromString('--no-compact-on-every-full-gc');
    }
  };
}

/**
 * After a burst (hundreds of resets or commands), V8 keeps the heap it grew to until its own memory
 * reducer happens to run, which may be minutes. This checks every `everyMs` (a second: the check is a
 * few microseconds) and, once the process has been idle for a whole period after its heap grew, runs one
 * compacting full collection, which gives the memory back to the system within seconds of the burst's end. Idle
 * means the event loop was busy at most 2 % of the period, so a collection (tens of ms) never lands in
 * the middle of work; it needs the heap to have grown by 32 MiB since the last one, and comes at most
 * every 10 s, so that bursts close together (a warm-up, then the real one) each get theirs, while load
 * that comes and goes never makes collections a habit.
 */
export function releaseMemoryWhenIdle(
  logger: Logger,
  everyMs = 1_000,
  rules: IdleMemoryRules = IDLE_MEMORY_RULES,
): { stop: () => void } {
  const collect = fullCollection();
  if (!collect) {
    logger.debug('V8 offers no full collection here; memory is left to its own reducer');
    return { stop: () => {} };
  }
  let heapAfterLastRelease = getHeapStatistics().total_heap_size;
  let lastReleaseAt = Number.NEGATIVE_INFINITY;
  let since: EventLoopUtilization = performance.eventLoopUtilization();
  const timer = setInterval(() => {
    const now = performance.eventLoopUtilization();
    const utilization = performance.eventLoopUtilization(now, since).utilization;
    since = now;
    const heapBytes = getHeapStatistics().total_heap_size;
    const msSinceLastRelease = Date.now() - lastReleaseAt;
    if (!shouldReleaseMemory({ utilization, heapBytes, heapAfterLastRelease, msSinceLastRelease }, rules)) {
      // A heap that shrank by itself sets the new floor, so growth is always counted from the lowest point.
      heapAfterLastRelease = Math.min(heapAfterLastRelease, heapBytes);
      return;
    }
    collect();
    lastReleaseAt = Date.now();
    heapAfterLastRelease = getHeapStatistics().total_heap_size;
    logger.debug(
      { heapMiB: Math.round(heapBytes / 2 ** 20), afterMiB: Math.round(heapAfterLastRelease / 2 ** 20) },
      'idle after a busy spell: memory handed back',
    );
  }, everyMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
