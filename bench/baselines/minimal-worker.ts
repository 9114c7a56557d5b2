import {
  GetOperationCommand,
  LightsailClient,
  ResetDistributionCacheCommand,
} from '@aws-sdk/client-lightsail';
import { WebClient } from '@slack/web-api';
import { type Job, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { MINIMAL_QUEUE, type MinimalJob } from './minimal-job.js';
import { requiredEnv } from './required-env.js';

/**
 * The baseline worker: the least a BullMQ worker must do for one approved reset. One job a reset;
 * it resets, polls GetOperation at a fixed interval while holding its slot, and makes the same Slack
 * calls as ours (a reply and a card edit when the reset starts and when it ends). No request store,
 * no outbox, no claim, no step jobs. Lightsail's endpoint comes from AWS_ENDPOINT_URL_LIGHTSAIL.
 */
const TERMINAL = new Set(['Succeeded', 'Failed', 'Completed']);
const pollMs = Number(requiredEnv('POLL_INTERVAL_MS'));
const lightsail = new LightsailClient({ region: 'us-east-1' });
const slack = new WebClient(requiredEnv('SLACK_BOT_TOKEN'), { slackApiUrl: requiredEnv('SLACK_API_URL') });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function card(distributionName: string, status: string) {
  const text = `Cache reset of ${distributionName}: ${status}`;
  return {
    text,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: `Distribution \`${distributionName}\`` }] },
    ],
  };
}

async function resetAndReport(job: Job<MinimalJob>): Promise<string> {
  const { distributionName, channel, cardTs } = job.data;
  const began = Date.now();
  const reset = await lightsail.send(new ResetDistributionCacheCommand({ distributionName }));
  const operationId = reset.operation?.id ?? '';
  let status = reset.operation?.status ?? 'Started';
  await slack.chat.postMessage({
    channel,
    thread_ts: cardTs,
    text: `Reset started. Lightsail operation ${operationId} is ${status}.`,
  });
  await slack.chat.update({ channel, ts: cardTs, ...card(distributionName, status) });
  while (!TERMINAL.has(status)) {
    await sleep(pollMs);
    const out = await lightsail.send(new GetOperationCommand({ operationId }));
    status = out.operation?.status ?? status;
  }
  const seconds = ((Date.now() - began) / 1000).toFixed(1);
  await slack.chat.postMessage({
    channel,
    thread_ts: cardTs,
    text: `The cache of ${distributionName} was reset: *${status}* in ${seconds}s.`,
  });
  await slack.chat.update({ channel, ts: cardTs, ...card(distributionName, status) });
  return status;
}

const lockDurationMs = process.env.LOCK_DURATION_MS;
const worker = new Worker<MinimalJob>(MINIMAL_QUEUE, resetAndReport, {
  connection: new Redis(requiredEnv('REDIS_URL'), { maxRetriesPerRequest: null }),
  prefix: requiredEnv('QUEUE_PREFIX'),
  concurrency: Number(requiredEnv('WORKER_CONCURRENCY')),
  // Unset: BullMQ's defaults (lockDuration and stalledInterval 30 s).
  ...(lockDurationMs ? { lockDuration: Number(lockDurationMs) } : {}),
});
worker.on('error', (error) => process.stderr.write(`worker error: ${String(error)}\n`));
await worker.waitUntilReady();
process.stdout.write('ready\n');

process.on('SIGTERM', () => {
  worker.close().finally(() => process.exit(0));
});
