import { WebClient } from '@slack/web-api';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { FakeLightsail } from '../../src/local/fake-lightsail.js';
import type { FakeSlack } from '../../src/local/fake-slack.js';
import { STAND_BOT_TOKEN } from '../../src/local/local-stand.js';
import { MINIMAL_QUEUE, MINIMAL_WORKER_SCRIPT, type MinimalJob } from '../baselines/minimal-job.js';
import { ScriptProcess } from './processes.js';

export interface MinimalSetup {
  redisUrl: string;
  prefix: string;
  slack: FakeSlack;
  lightsail: FakeLightsail;
  pollIntervalMs: number;
  concurrency: number;
  /** Unset: BullMQ's defaults. */
  lockDurationMs?: number;
}

/** The minimal baseline worker as a child process (not started yet), pointed at the fakes. */
export function minimalWorker(setup: MinimalSetup): ScriptProcess {
  return new ScriptProcess(MINIMAL_WORKER_SCRIPT, {
    REDIS_URL: setup.redisUrl,
    QUEUE_PREFIX: setup.prefix,
    SLACK_BOT_TOKEN: STAND_BOT_TOKEN,
    SLACK_API_URL: setup.slack.apiUrl,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIDBENCHBASELINE',
    AWS_SECRET_ACCESS_KEY: 'bench-baseline-secret',
    AWS_ENDPOINT_URL_LIGHTSAIL: setup.lightsail.url,
    POLL_INTERVAL_MS: String(setup.pollIntervalMs),
    WORKER_CONCURRENCY: String(setup.concurrency),
    ...(setup.lockDurationMs ? { LOCK_DURATION_MS: String(setup.lockDurationMs) } : {}),
  });
}

/** The producer side of the baseline: posts a card like ours and queues one job a reset. */
export class MinimalProducer {
  readonly queue: Queue<MinimalJob>;
  private readonly redis: Redis;
  private readonly slack: WebClient;

  constructor(setup: Pick<MinimalSetup, 'redisUrl' | 'prefix' | 'slack'>) {
    this.redis = new Redis(setup.redisUrl, { maxRetriesPerRequest: null });
    this.queue = new Queue<MinimalJob>(MINIMAL_QUEUE, { connection: this.redis, prefix: setup.prefix });
    this.slack = new WebClient(STAND_BOT_TOKEN, { slackApiUrl: setup.slack.apiUrl });
  }

  async postCard(channel: string, distributionName: string): Promise<MinimalJob> {
    const text = `Cache reset of ${distributionName} approved, starting`;
    const res = await this.slack.chat.postMessage({
      channel,
      text,
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }],
    });
    if (!res.ts) throw new Error('the fake Slack answered without a ts');
    return { distributionName, channel, cardTs: res.ts };
  }

  async enqueue(job: MinimalJob): Promise<void> {
    await this.queue.add(MINIMAL_QUEUE, job, { removeOnComplete: true, removeOnFail: true });
  }

  async close(): Promise<void> {
    await this.queue.close();
    this.redis.disconnect();
  }
}
