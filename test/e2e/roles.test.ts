import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION_IDS } from '../../src/domain/approval-card.js';
import type { LocalStand } from '../../src/local/local-stand.js';
import { cardIn, resetCalls, startStand, waitForFinal } from '../support/stand.js';

const NAMES = Array.from({ length: 12 }, (_, i) => `role-${i}`);

describe('one web process and two worker processes on one Redis', () => {
  let stand: LocalStand;
  beforeAll(async () => {
    stand = await startStand({ args: ['web'], extraDistributions: NAMES });
    await stand.startWorker();
    await stand.startWorker();
    stand.lightsail.setOperationScript({ durationMs: 400 });
  });
  afterAll(async () => {
    await stand?.stop();
  });

  it('spreads resets over both workers and never runs one twice', async () => {
    const cards = await Promise.all(
      NAMES.map(async (name, i) => {
        await stand.command(name, 'U0REQUEST', `C0ROLE${i}`);
        return { name, channel: `C0ROLE${i}`, ...(await cardIn(stand, `C0ROLE${i}`)) };
      }),
    );
    await Promise.all(
      cards.map((c) => stand.click(ACTION_IDS.approve, c.requestId, 'U0APPROVE', c.card.ts, c.channel)),
    );
    for (const c of cards) await waitForFinal(stand, c.channel, c.card.ts);

    for (const name of NAMES) expect(resetCalls(stand, name)).toHaveLength(1);
    const started = stand.workers.map((w) => (w.output.match(/"msg":"reset started"/g) ?? []).length);
    expect(started.reduce((a, b) => a + b, 0)).toBe(NAMES.length);
    expect(Math.min(...started)).toBeGreaterThan(0);
    expect(stand.app?.output).not.toMatch(/"msg":"reset started"/);
  });

  it('serves readiness from each worker, including that its worker runs', async () => {
    expect(stand.workers).toHaveLength(2);
    for (const worker of stand.workers) {
      const ready = await fetch(`http://127.0.0.1:${worker.port}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ status: 'ready', redis: 'ok', worker: 'running' });
    }
  });
});
