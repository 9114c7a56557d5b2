import { createRequire } from 'node:module';
import { type EventLoopUtilization, performance } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
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
  maxUtilization: 0.1,
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
 * V8's most thorough collection, the one it runs on a low-memory warning: full collections until nothing
 * more is freed, compacting, and shrinking the young generation back to its least. Reached through
 * DevTools' `HeapProfiler.collectGarbage` on an in-process inspector session (no port is opened); undefined
 * where Node was built without the inspector. A plain full collection (`gc()`) is not enough: it keeps the
 * pages the burst's few survivors sit on (measured on the throughput bench: heap 159 → 117 MiB with 38 MiB
 * live), and on Node 20 it keeps the young generation at the size the burst grew it to (32 MiB), since
 * V8 shrinks that only once allocation has been low for 5 s. `done` is called once it is over.
 */
function lowMemoryCollection(): ((done: (error?: Error) => void) => void) | undefined {
  let Session: typeof import('node:inspector').Session;
  try {
    Session = createRequire(import.meta.url)('node:inspector').Session;
  } catch {
    return undefined;
  }
  return (done) => {
    const session = new Session();
    const end = (error?: Error) => {
      // Not from inside the answer's callback: Node 20 hangs if a session is closed while it answers.
      setImmediate(() => {
        session.disconnect();
        done(error);
      });
    };
    try {
      session.connect();
      session.post('HeapProfiler.collectGarbage', (error) => end(error ?? undefined));
    } catch (error) {
      end(error instanceof Error ? error : new Error(String(error)));
    }
  };
}

/**
 * After a burst (hundreds of resets or commands), V8 keeps the heap it grew to until its own memory
 * reducer happens to run, which may be minutes. This checks every `everyMs` (a second: the check is a
 * few microseconds) and, once the process has been idle for a whole period after its heap grew, asks V8
 * for its low-memory collection, which gives the memory back to the system within a second or two of
 * the burst's end. Idle means the event loop was busy at most 10 % of the period, so the collection (it
 * blocks for 50–200 ms; a request that arrives meanwhile waits that long) never lands in the middle of
 * a burst. Not 2 %: for about ten seconds after a drain of 2,000 resets the loop ran 3–8 % busy (what
 * kept it busy was not pinned down), and the collection waited for that to end (RSS 270 MiB instead
 * of 110, 5 s after).
 * It needs the heap to have grown by 32 MiB since the last one, and comes at most every 10 s, so
 * that bursts close together (a warm-up, then the real one) each get theirs, while load that comes and
 * goes never makes collections a habit.
 */
export function releaseMemoryWhenIdle(
  logger: Logger,
  everyMs = 1_000,
  rules: IdleMemoryRules = IDLE_MEMORY_RULES,
): { stop: () => void } {
  const collect = lowMemoryCollection();
  if (!collect) {
    logger.debug('this Node has no inspector to ask V8 for a collection; memory is left to its own reducer');
    return { stop: () => {} };
  }
  let heapAfterLastRelease = getHeapStatistics().total_heap_size;
  let lastReleaseAt = Number.NEGATIVE_INFINITY;
  let since: EventLoopUtilization = performance.eventLoopUtilization();
  let collecting = false;
  const timer = setInterval(() => {
    if (collecting) return;
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
    collecting = true;
    collect((error) => {
      collecting = false;
      // Counted as a release even if it failed, so that a failing one is not retried every second.
      lastReleaseAt = Date.now();
      heapAfterLastRelease = getHeapStatistics().total_heap_size;
      if (error) {
        logger.debug({ err: error }, 'V8 could not be asked for a collection');
        return;
      }
      logger.debug(
        { heapMiB: Math.round(heapBytes / 2 ** 20), afterMiB: Math.round(heapAfterLastRelease / 2 ** 20) },
        'idle after a busy spell: memory handed back',
      );
    });
  }, everyMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
