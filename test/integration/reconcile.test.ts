import { WebClient } from '@slack/web-api';
import { Queue, UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResetRequest } from '../../src/domain/reset-request.js';
import { enqueueReset } from '../../src/flow/decide-request.js';
import { FakeSlack } from '../../src/local/fake-slack.js';
import { QUEUES } from '../../src/queue/jobs.js';
import { reconcileRequests } from '../../src/queue/reconcile.js';
import { SlackMessenger } from '../../src/slack/slack-messenger.js';
import { RequestStore } from '../../src/store/request-store.js';
import { connectTestRedis, deletePrefix, uniquePrefix } from '../support/redis.js';
import { aRequest } from '../support/requests.js';

describe('reconciling approved requests with their jobs', () => {
  const prefix = uniquePrefix('reconcile');
  const slack = new FakeSlack();
  let redis: Redis;
  let store: RequestStore;
  let queue: Queue;
  let deps: Parameters<typeof reconcileRequests>[0];

  beforeAll(async () => {
    await slack.start();
    redis = connectTestRedis();
    store = new RequestStore(redis, prefix);
    queue = new Queue(QUEUES.reset, { connection: redis, prefix });
    deps = {
      store,
      resetQueue: queue,
      slack: new SlackMessenger(
        new WebClient('xoxb-fake', { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } }),
      ),
      logger: pino({ level: 'silent' }),
    };
  });
  afterAll(async () => {
    await queue.close();
    await deletePrefix(redis, prefix);
    redis.disconnect();
    await slack.stop();
  });

  async function approved(): Promise<ResetRequest> {
    const now = Date.now();
    const request = aRequest({ distributionName: `web-prod-${now}`, channelId: 'C0RECON' });
    await store.create(request, { event: 'requested', actor: 'U0REQUEST' });
    const posted = await new WebClient('xoxb-fake', { slackApiUrl: slack.apiUrl }).chat.postMessage({
      channel: 'C0RECON',
      text: 'card',
    });
    await store.annotate(request.id, { cardTs: posted.ts as string });
    const result = await store.transition(
      request.id,
      'approved',
      { decidedBy: 'U0APPROVE', decidedAt: now },
      { event: 'approved', actor: 'U0APPROVE' },
    );
    return result.request as ResetRequest;
  }

  it('queues an approved request that a crash left without a job', async () => {
    const request = await approved();
    expect(await queue.getJob(request.id)).toBeUndefined();
    const counts = await reconcileRequests(deps);
    expect(counts.queued).toBe(1);
    expect(await (await queue.getJob(request.id))?.getState()).toBe('waiting');
    await (await queue.getJob(request.id))?.remove();
  });

  it('queues the one approved request among many pending ones and leaves those alone', async () => {
    // A store and queue of its own: the other tests leave approved requests behind.
    const ownPrefix = uniquePrefix('reconcile-many');
    const ownStore = new RequestStore(redis, ownPrefix);
    const ownQueue = new Queue(QUEUES.reset, { connection: redis, prefix: ownPrefix });
    try {
      const waiting = Array.from({ length: 600 }, (_, i) =>
        aRequest({ distributionName: `pending-${i}`, channelId: 'C0RECON' }),
      );
      await Promise.all(waiting.map((r) => ownStore.create(r, { event: 'requested', actor: 'U0REQUEST' })));
      const request = aRequest({ distributionName: 'approved-one', channelId: 'C0RECON' });
      await ownStore.create(request, { event: 'requested', actor: 'U0REQUEST' });
      await ownStore.transition(request.id, 'approved', {}, { event: 'approved', actor: 'U0APPROVE' });

      const counts = await reconcileRequests({ ...deps, store: ownStore, resetQueue: ownQueue });
      expect(counts).toEqual({ queued: 1, failed: 0 });
      expect(await (await ownQueue.getJob(request.id))?.getState()).toBe('waiting');
      expect(await ownQueue.getJobCounts('waiting', 'delayed', 'active')).toEqual({
        waiting: 1,
        delayed: 0,
        active: 0,
      });
      const states = await Promise.all(waiting.map(async (r) => (await ownStore.get(r.id))?.state));
      expect(new Set(states)).toEqual(new Set(['pending']));
    } finally {
      await ownQueue.obliterate({ force: true });
      await ownQueue.close();
      await deletePrefix(redis, ownPrefix);
    }
  });

  it('reports in the thread and the audit trail a request whose job BullMQ failed for stalling', async () => {
    const request = await approved();
    await enqueueReset({ resetQueue: queue }, request.id);
    const taker = new Worker(QUEUES.reset, null, { connection: redis, prefix, autorun: false });
    const job = await taker.getNextJob('test-token');
    expect(job?.id).toBe(request.id);
    // As BullMQ does after maxStalledCount: an unrecoverable failure, no retry left.
    await job?.moveToFailed(new UnrecoverableError('job stalled more than allowable limit'), 'test-token');
    await taker.close();
    expect(await (await queue.getJob(request.id))?.getState()).toBe('failed');

    const counts = await reconcileRequests(deps);
    expect(counts.failed).toBe(1);
    const stored = await store.get(request.id);
    expect(stored?.state).toBe('failed');
    expect(stored?.errorCode).toBe('WorkerGaveUp');
    const replies = slack.thread('C0RECON', request.cardTs as string).map((m) => m.text ?? '');
    expect(replies).toEqual([
      expect.stringMatching(/<@U0REQUEST>.*gave up on this reset \(job stalled more than allowable limit\)/),
    ]);
    const audit = (await store.recentAudit(20)).filter((e) => e.requestId === request.id);
    expect(audit[0]).toMatchObject({ event: 'abandoned', detail: 'job stalled more than allowable limit' });
  });
});
