import { describe, expect, it } from 'vitest';
import { IDLE_MEMORY_RULES, shouldReleaseMemory } from '../../src/observability/release-idle-memory.js';

const MiB = 2 ** 20;
const NEVER = Number.POSITIVE_INFINITY;

describe('shouldReleaseMemory', () => {
  it.each([
    { utilization: 0, grownMiB: 200, sinceMs: NEVER, release: true, why: 'idle after a burst' },
    { utilization: 0.1, grownMiB: 32, sinceMs: 10_000, release: true, why: 'on every limit' },
    { utilization: 0.06, grownMiB: 200, sinceMs: NEVER, release: true, why: 'winding down after a burst' },
    { utilization: 0.101, grownMiB: 200, sinceMs: NEVER, release: false, why: 'still working' },
    { utilization: 0.9, grownMiB: 500, sinceMs: NEVER, release: false, why: 'in the middle of a burst' },
    { utilization: 0, grownMiB: 31.9, sinceMs: NEVER, release: false, why: 'the heap barely grew' },
    { utilization: 0, grownMiB: -50, sinceMs: NEVER, release: false, why: 'the heap shrank by itself' },
    { utilization: 0, grownMiB: 200, sinceMs: 9_999, release: false, why: 'one ran under 10 s ago' },
  ])(
    '$why: utilization $utilization, heap +$grownMiB MiB, last $sinceMs ms ago -> $release',
    ({ utilization, grownMiB, sinceMs, release }) => {
      const heapAfterLastRelease = 100 * MiB;
      expect(
        shouldReleaseMemory({
          utilization,
          heapBytes: heapAfterLastRelease + grownMiB * MiB,
          heapAfterLastRelease,
          msSinceLastRelease: sinceMs,
        }),
      ).toBe(release);
    },
  );

  it('defaults to 10 % utilization, 32 MiB of growth and one every 10 s at most', () => {
    expect(IDLE_MEMORY_RULES).toEqual({ maxUtilization: 0.1, minGrowthBytes: 32 * MiB, minGapMs: 10_000 });
  });
});
