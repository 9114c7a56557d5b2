import { describe, expect, it } from 'vitest';
import { formatSoakReport, runSoak } from '../soak/soak.js';
import { testRedisUrl } from '../support/redis.js';

describe('soak with injected faults (a small N; `npm run soak` runs a large one)', () => {
  it('brings every approved request to an end in its thread and never resets twice', async () => {
    const report = await runSoak({
      requests: 24,
      lightsailFaultRate: 0.2,
      slackFaultRate: 0.1,
      killWorkerAt: 0.5,
      redisUrl: testRedisUrl(),
      timeoutMs: 90_000,
    });
    console.log(formatSoakReport(report));
    expect(report.approved).toBeGreaterThan(15);
    expect(report.lost).toEqual([]);
    expect(report.duplicateResets).toEqual([]);
    expect(report.succeeded + report.failed).toBe(report.approved);
    expect(report.workersKilled).toBe(1);
    expect(Object.values(report.lightsailFaults).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  }, 180_000);
});
