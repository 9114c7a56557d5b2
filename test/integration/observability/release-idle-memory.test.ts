import { describe, expect, it } from 'vitest';
import { runNodeToExit } from '../../../src/local/app-process.js';

const MiB = 2 ** 20;
const MODULE = new URL('../../../dist/observability/release-idle-memory.js', import.meta.url).href;

// A process of its own, so that nothing else in it allocates or works: a burst of garbage, then rest.
const SCRIPT = `
import { getHeapSpaceStatistics, getHeapStatistics } from 'node:v8';
import { releaseMemoryWhenIdle } from ${JSON.stringify(MODULE)};
const heap = () => getHeapStatistics().total_heap_size;
const young = () => getHeapSpaceStatistics().find((space) => space.space_name === 'new_space').space_size;
const rss = () => process.memoryUsage().rss;
const logged = [];
const logger = { debug: (fields, message) => logged.push(message ?? fields) };
releaseMemoryWhenIdle(logger, 200);
// As a real burst leaves it: most objects dead, a few survivors on nearly every page (one in 40 here,
// kept to the end), so that a collection hands pages back only if it compacts them.
let keep = [];
const survivors = [];
for (let round = 0; round < 300; round++) {
  const batch = Array.from({ length: 5000 }, (_, i) => ({ i, text: 'x'.repeat(40) + i }));
  for (let i = round % 40; i < batch.length; i += 40) survivors.push(batch[i]);
  keep.push(batch);
  if (keep.length > 40) keep.shift();
}
keep = [];
const burst = { heap: heap(), young: young(), rss: rss() };
// Waits for the collection however slow the machine is (up to 15 s), rather than for a fixed time.
const began = Date.now();
setInterval(() => {
  if (logged.length === 0 && Date.now() - began < 15_000) return;
  const rested = { heap: heap(), young: young(), rss: rss() };
  process.stdout.write(JSON.stringify({ burst, rested, survivors: survivors.length, logged }) + '\\n');
  process.exit(0);
}, 100);
`;

describe('releaseMemoryWhenIdle', () => {
  it('hands the memory a burst took back to the system once the process rests, and says so at debug', async () => {
    const { code, output } = await runNodeToExit(['--input-type=module', '-e', SCRIPT], {}, 30_000);
    expect(code, output).toBe(0);
    type Reading = { heap: number; young: number; rss: number };
    const { burst, rested, logged } = JSON.parse(output.trim().split('\n').pop() ?? '{}') as {
      burst: Reading;
      rested: Reading;
      logged: string[];
    };
    expect(burst.heap).toBeGreaterThan(100 * MiB);
    // Survivors and all: the pages they sat on are compacted away...
    expect(rested.heap).toBeLessThan(burst.heap / 2);
    // ...the young generation is back to its least (Node 20 keeps 32 MiB after a plain full collection)...
    expect(burst.young).toBeGreaterThanOrEqual(16 * MiB);
    expect(rested.young).toBeLessThanOrEqual(4 * MiB);
    // ...and the system has the memory back (Node 24 keeps freed pages pooled after a plain one).
    expect(rested.rss).toBeLessThan(burst.rss / 2);
    expect(logged).toContain('idle after a busy spell: memory handed back');
  });
});
