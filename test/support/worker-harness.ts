import { WebClient } from '@slack/web-api';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { pino } from 'pino';
import { renderApprovalCard } from '../../src/domain/approval-card.js';
import type { ResetRequest } from '../../src/domain/reset-request.js';
import { enqueueReset } from '../../src/flow/decide-request.js';
import { LightsailGateway } from '../../src/lightsail/lightsail-gateway.js';
import { type FakeDistribution, FakeLightsail } from '../../src/local/fake-lightsail.js';
import { FakeSlack } from '../../src/local/fake-slack.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { QUEUES } from '../../src/queue/jobs.js';
import type { RetryLimits } from '../../src/queue/reset-worker.js';
import { type RunningWorkers, startWorkers } from '../../src/queue/start-workers.js';
import { SlackMessenger } from '../../src/slack/slack-messenger.js';
import { RequestStore } from '../../src/store/request-store.js';
import { connectTestRedis, deletePrefix, uniquePrefix } from './redis.js';
import { aRequest } from './requests.js';

export const CHANNEL = 'C0WORKER';
export const APPROVER = 'U0APPROVE';
export const REQUESTER = 'U0REQUEST';

/**
 * The worker side in this process, against a real Redis, the fake Lightsail (through the real SDK
 * and AWS_ENDPOINT_URL_LIGHTSAIL) and the fake Slack (through the real WebClient).
 */
export class WorkerHarness {
  readonly lightsail: FakeLightsail;
  readonly slack = new FakeSlack();
  readonly prefix = uniquePrefix('worker');
  redis!: Redis;
  store!: RequestStore;
  queue!: Queue;
  private workers: RunningWorkers | undefined;
  private gateway: LightsailGateway | undefined;

  constructor(distributions: FakeDistribution[]) {
    this.lightsail = new FakeLightsail({ distributions });
  }

  async start(
    limits: Partial<RetryLimits> = {},
    polling = { intervalMs: 50, maxIntervalMs: 200, operationTimeoutMs: 60_000 },
  ) {
    await Promise.all([this.lightsail.start(), this.slack.start()]);
    process.env.AWS_ENDPOINT_URL_LIGHTSAIL = this.lightsail.url;
    process.env.AWS_REGION = 'eu-west-1';
    process.env.AWS_ACCESS_KEY_ID = 'AKIDWORKERTEST';
    process.env.AWS_SECRET_ACCESS_KEY = 'worker-test-secret';
    this.redis = connectTestRedis();
    this.store = new RequestStore(this.redis, this.prefix);
    this.queue = new Queue(QUEUES.reset, { connection: this.redis, prefix: this.prefix });
    this.gateway = new LightsailGateway();
    const slack = new SlackMessenger(
      new WebClient('xoxb-fake', {
        slackApiUrl: this.slack.apiUrl,
        retryConfig: { retries: 0 },
        rejectRateLimitedCalls: true,
      }),
    );
    const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
    this.workers = startWorkers(
      this.redis,
      {
        prefix: this.prefix,
        concurrency: 5,
        lockDurationMs: 30_000,
        stalledIntervalMs: 30_000,
        reconcileEveryMs: 60_000,
      },
      {
        store: this.store,
        lightsail: this.gateway,
        slack,
        resetQueue: this.queue,
        polling,
        logger,
        limits: {
          lightsailBackoffMs: 20,
          lightsailMaxBackoffMs: 100,
          slackBackoffMs: 20,
          slackMaxBackoffMs: 100,
          ...limits,
        },
      },
      createMetrics(),
      logger,
    );
    return this;
  }

  /** An approved request with a real card in the fake Slack, as the web side leaves it. */
  async approvedRequest(
    distributionName: string,
    overrides: Partial<ResetRequest> = {},
  ): Promise<ResetRequest> {
    const request = aRequest({
      distributionName,
      requesterId: REQUESTER,
      channelId: CHANNEL,
      approverUsers: [APPROVER],
    });
    await this.store.create(request, { event: 'requested', actor: REQUESTER });
    const web = new WebClient('xoxb-fake', { slackApiUrl: this.slack.apiUrl });
    const posted = await web.chat.postMessage({
      channel: CHANNEL,
      ...renderApprovalCard(request),
    });
    await this.store.annotate(request.id, { cardTs: posted.ts as string });
    const approved = await this.store.transition(
      request.id,
      'approved',
      { decidedBy: APPROVER, decidedAt: Date.now(), ...overrides },
      { event: 'approved', actor: APPROVER },
    );
    if (!approved.changed) throw new Error('could not approve the test request');
    return approved.request;
  }

  async enqueue(requestId: string): Promise<void> {
    await enqueueReset({ resetQueue: this.queue }, requestId);
  }

  /** Waits until the request is terminal and its job has finished delivering messages. */
  async settled(requestId: string, timeoutMs = 20_000): Promise<ResetRequest> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const request = await this.store.get(requestId);
      const job = await this.queue.getJob(requestId);
      const state = job ? await job.getState() : 'missing';
      if (
        request &&
        ['succeeded', 'failed'].includes(request.state) &&
        (state === 'completed' || state === 'failed')
      ) {
        return request;
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(
      `request ${requestId} did not settle: ${JSON.stringify(await this.store.get(requestId))}`,
    );
  }

  thread(request: ResetRequest): string[] {
    return this.slack.thread(CHANNEL, request.cardTs as string).map((m) => m.text ?? '');
  }

  resetCalls(distributionName: string) {
    return this.lightsail
      .callsOf('ResetDistributionCache')
      .filter((c) => c.input.distributionName === distributionName);
  }

  async stop(): Promise<void> {
    await this.workers?.close();
    await this.queue?.close();
    if (this.redis) {
      await deletePrefix(this.redis, this.prefix);
      this.redis.disconnect();
    }
    this.gateway?.destroy();
    await Promise.allSettled([this.lightsail.stop(), this.slack.stop()]);
  }
}
