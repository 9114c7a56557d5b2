import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResetRequest } from '../../src/domain/reset-request.js';
import { RequestStore } from '../../src/store/request-store.js';
import { connectTestRedis, deletePrefix, uniquePrefix } from '../support/redis.js';
import { aRequest } from '../support/requests.js';

let counter = 0;
/** Each request names a distribution of its own: the store allows one open request a distribution. */
function pending(overrides: Partial<ResetRequest> = {}): ResetRequest {
  counter += 1;
  return aRequest({ distributionName: `store-${counter}`, channelId: 'C0STORE', ...overrides });
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
    await deletePrefix(redis, `${prefix}-states`);
    redis.disconnect();
  });

  it('stores a request and reads it back with its numbers as numbers', async () => {
    const request = pending();
    await store.create(request, { event: 'requested', actor: request.requesterId });
    expect(await store.get(request.id)).toEqual(request);
    expect(await store.activeIds()).toContain(request.id);
  });

  it('finds the approved and running requests among many pending ones, in more than one batch', async () => {
    const own = new RequestStore(redis, `${prefix}-states`);
    const requests = Array.from({ length: 1_100 }, () => pending());
    for (let i = 0; i < requests.length; i += 100) {
      await Promise.all(
        requests.slice(i, i + 100).map((r) => own.create(r, { event: 'requested', actor: r.requesterId })),
      );
    }
    const move = (r: ResetRequest, to: 'approved' | 'running' | 'denied') =>
      own.transition(r.id, to, {}, { event: to, actor: 'U0APPROVE' });
    // Spread over the batches: the first id, ids past the first and second batch, the last one.
    const approved = [0, 501, 1_099].map((i) => requests[i] as ResetRequest);
    const running = [2, 1_050].map((i) => requests[i] as ResetRequest);
    for (const r of [...approved, ...running]) await move(r, 'approved');
    for (const r of running) await move(r, 'running');
    await move(requests[3] as ResetRequest, 'denied');
    // An id left in the active set whose record is gone is no one's to reconcile.
    const vanished = requests[4] as ResetRequest;
    await move(vanished, 'approved');
    await redis.del(`${prefix}-states:request:${vanished.id}`);

    const found = await own.activeIdsIn(['approved', 'running']);
    expect(found.sort()).toEqual([...approved, ...running].map((r) => r.id).sort());
    expect((await own.activeIdsIn(['running'])).sort()).toEqual(running.map((r) => r.id).sort());
    expect(await own.activeIdsIn(['pending'])).toHaveLength(1_100 - 7);
    expect(await new RequestStore(redis, `${prefix}-empty`).activeIdsIn(['approved'])).toEqual([]);
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

  it('moves a request it is handed without reading it again, and the stored state still decides', async () => {
    const request = pending();
    await store.create(request, { event: 'requested', actor: request.requesterId });
    const first = await store.transitionFrom(
      request,
      'denied',
      { decidedBy: 'U0APPROVE' },
      { event: 'denied', actor: 'U0APPROVE' },
    );
    expect(first.changed).toBe(true);
    expect(first.request?.decidedBy).toBe('U0APPROVE');
    // The caller's copy still says pending; Redis says denied, so a second move is refused.
    const second = await store.transitionFrom(
      request,
      'cancelled',
      {},
      { event: 'cancelled', actor: request.requesterId },
    );
    expect(second.changed).toBe(false);
    expect(second.request?.state).toBe('denied');
    const gone = await store.transitionFrom(
      { id: 'rnosuchrequest01', distributionName: 'nowhere' },
      'approved',
      {},
      { event: 'approved', actor: 'U1' },
    );
    expect(gone).toEqual({ changed: false, request: undefined });
    expect(await redis.exists(`${prefix}:request:rnosuchrequest01`)).toBe(0);
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

  it('allows one open request a distribution, and frees it when the request ends', async () => {
    const first = pending();
    expect(await store.create(first, { event: 'requested', actor: 'U0REQUEST' })).toEqual({ created: true });
    const second = pending({ distributionName: first.distributionName });
    expect(await store.create(second, { event: 'requested', actor: 'U0OTHER' })).toEqual({
      created: false,
      openRequestId: first.id,
    });
    expect(await store.get(second.id)).toBeUndefined();
    await store.transition(first.id, 'cancelled', {}, { event: 'cancelled', actor: 'U0REQUEST' });
    expect(await store.create(second, { event: 'requested', actor: 'U0OTHER' })).toEqual({ created: true });
  });

  it('counts each approver once and approves exactly once when racing approvals reach the quorum', async () => {
    const request = pending({ approvalsRequired: 2 });
    await store.create(request, { event: 'requested', actor: request.requesterId });
    const first = await store.approve(request.id, 'U0APPR1');
    expect(first.outcome).toBe('counted');
    expect((await store.approve(request.id, 'U0APPR1')).outcome).toBe('already-approved-by-you');

    const racers = await Promise.all(
      ['U0APPR2', 'U0APPR3', 'U0APPR4', 'U0APPR5', 'U0APPR1'].map((u) => store.approve(request.id, u)),
    );
    expect(racers.filter((r) => r.outcome === 'approved')).toHaveLength(1);
    const stored = await store.get(request.id);
    expect(stored?.state).toBe('approved');
    expect(stored?.approvals).toHaveLength(2);
    expect(stored?.approvals[0]).toBe('U0APPR1');
  });

  it('remembers when a distribution last reset successfully, for the cooldown', async () => {
    const request = pending();
    await store.create(request, { event: 'requested', actor: request.requesterId });
    expect(await store.lastSuccessAt(request.distributionName)).toBeUndefined();
    await store.approve(request.id, 'U0APPROVE');
    await store.transition(request.id, 'running', {}, { event: 'started', actor: 'worker' });
    const before = Date.now();
    await store.transition(request.id, 'succeeded', {}, { event: 'succeeded', actor: 'worker' });
    expect(await store.lastSuccessAt(request.distributionName)).toBeGreaterThanOrEqual(before);
    expect(await store.openRequestId(request.distributionName)).toBeUndefined();
  });

  it('tells its listener about every audited event', async () => {
    const heard: string[] = [];
    const listening = new RequestStore(redis, prefix, (entry) => heard.push(`${entry.event}:${entry.actor}`));
    const request = pending();
    await listening.create(request, { event: 'requested', actor: 'U0REQUEST' });
    await listening.approve(request.id, 'U0APPROVE');
    expect(heard).toEqual(['requested:U0REQUEST', 'approval:U0APPROVE', 'approved:U0APPROVE']);
  });

  it('hands out send times in a channel a fixed spacing apart, whoever asks, and channels apart', async () => {
    const now = 1_000_000;
    const slots = await Promise.all([0, 1, 2, 3].map(() => store.reserveChannelSlot('C0PACE', now, 1100)));
    expect([...slots].sort((a, b) => a - b)).toEqual([now, now + 1100, now + 2200, now + 3300]);
    expect(await store.reserveChannelSlot('C0OTHER', now, 1100)).toBe(now);
    // A reservation after the schedule has run out starts from then.
    expect(await store.reserveChannelSlot('C0PACE', now + 10_000, 1100)).toBe(now + 10_000);
  });

  it('lets a post be sent only once the last one sent in its channel is far enough back', async () => {
    const now = 2_000_000;
    // Two posters claim the same moment: one is granted, the other told when the gap has passed.
    const claims = await Promise.all([0, 1].map(() => store.claimChannelSend('C0SENT', now, 1050)));
    expect([...claims].sort((a, b) => a - b)).toEqual([now, now + 1050]);
    // A post that woke late to its slot does not crowd the next one: it waits out the gap.
    expect(await store.claimChannelSend('C0SENT', now + 1000, 1050)).toBe(now + 1050);
    expect(await store.claimChannelSend('C0SENT', now + 1050, 1050)).toBe(now + 1050);
    expect(await store.claimChannelSend('C0SENT', now + 1100, 1050)).toBe(now + 2100);
    expect(await store.claimChannelSend('C0ELSE', now + 1100, 1050)).toBe(now + 1100);
  });
});
