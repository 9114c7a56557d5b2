import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newRequestId, type ResetRequest } from '../../src/domain/reset-request.js';
import { RequestStore } from '../../src/store/request-store.js';
import { connectTestRedis, deletePrefix, uniquePrefix } from '../support/redis.js';

function pending(): ResetRequest {
  const now = Date.now();
  return {
    id: newRequestId(now),
    state: 'pending',
    distributionName: 'web-prod',
    requesterId: 'U0REQUEST',
    channelId: 'C0STORE',
    createdAt: now,
    expiresAt: now + 60_000,
  };
}

describe('the request store on a real Redis', () => {
  const prefix = uniquePrefix('store');
  let redis: Redis;
  let store: RequestStore;

  beforeAll(() => {
    redis = connectTestRedis();
    store = new RequestStore(redis, prefix);
  });
  afterAll(async () => {
    await deletePrefix(redis, prefix);
    redis.disconnect();
  });

  it('stores a request and reads it back with its numbers as numbers', async () => {
    const request = pending();
    await store.create(request, { event: 'requested', actor: request.requesterId });
    expect(await store.get(request.id)).toEqual(request);
    expect(await store.activeIds()).toContain(request.id);
  });

  it('lets exactly one of twenty racing approvals win', async () => {
    const request = pending();
    await store.create(request, { event: 'requested', actor: request.requesterId });
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        store.transition(
          request.id,
          'approved',
          { decidedBy: `U0APPR${i}` },
          { event: 'approved', actor: `U0APPR${i}` },
        ),
      ),
    );
    const winners = results.filter((r) => r.changed);
    expect(winners).toHaveLength(1);
    const stored = await store.get(request.id);
    expect(stored?.state).toBe('approved');
    expect(stored?.decidedBy).toBe(winners[0]?.request?.decidedBy);
    for (const loser of results.filter((r) => !r.changed))
      expect(loser.request?.decidedBy).toBe(stored?.decidedBy);
  });

  it('refuses a move the state machine does not allow and changes nothing', async () => {
    const request = pending();
    await store.create(request, { event: 'requested', actor: request.requesterId });
    const result = await store.transition(
      request.id,
      'succeeded',
      { finishedAt: 1 },
      { event: 'x', actor: 'y' },
    );
    expect(result.changed).toBe(false);
    expect(await store.get(request.id)).toEqual(request);
  });

  it('drops a finished request from the active set, keeps it for a while, and audits every move', async () => {
    const request = pending();
    await store.create(request, { event: 'requested', actor: request.requesterId });
    await store.transition(
      request.id,
      'denied',
      { decidedBy: 'U0APPROVE' },
      { event: 'denied', actor: 'U0APPROVE' },
    );
    expect(await store.activeIds()).not.toContain(request.id);
    const ttl = await redis.ttl(`${prefix}:request:${request.id}`);
    expect(ttl).toBeGreaterThan(24 * 3600);
    const audit = (await store.recentAudit(50)).filter((e) => e.requestId === request.id);
    expect(audit.map((e) => e.event)).toEqual(['denied', 'requested']);
    expect(audit[0]?.actor).toBe('U0APPROVE');
  });

  it('answers unknown ids with nothing and never creates a record by annotating one', async () => {
    expect(await store.get('rnosuchrequest00')).toBeUndefined();
    await store.annotate('rnosuchrequest00', { cardTs: '1.2' });
    expect(await redis.exists(`${prefix}:request:rnosuchrequest00`)).toBe(0);
    const moved = await store.transition(
      'rnosuchrequest00',
      'approved',
      {},
      { event: 'approved', actor: 'U1' },
    );
    expect(moved).toEqual({ changed: false, request: undefined });
  });
});
