import {
  GetDistributionLatestCacheResetCommand,
  GetDistributionsCommand,
  LightsailClient,
} from '@aws-sdk/client-lightsail';
import { WebClient } from '@slack/web-api';
import { type Job, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { MINIMAL_CARD_QUEUE, type MinimalCardJob } from './minimal-job.js';
import { requiredEnv } from './required-env.js';

/**
 * The worker half of the minimal card bot: the least a worker must do to answer a command with a
 * card. The same Lightsail calls as ours (the distribution, its last cache reset) and one
 * chat.postMessage with a card; no replay check, policy, request record, expiry, channel pace or
 * logging. Lightsail's endpoint comes from AWS_ENDPOINT_URL_LIGHTSAIL.
 */
const lightsail = new LightsailClient({ region: 'us-east-1' });
const slack = new WebClient(requiredEnv('SLACK_BOT_TOKEN'), { slackApiUrl: requiredEnv('SLACK_API_URL') });

async function postCard(job: Job<MinimalCardJob>): Promise<string> {
  const { distributionName, channel } = job.data;
  const found = await lightsail.send(new GetDistributionsCommand({ distributionName }));
  const last = await lightsail
    .send(new GetDistributionLatestCacheResetCommand({ distributionName }))
    .catch(() => undefined);
  const domain = found.distributions?.[0]?.domainName ?? 'unknown';
  const text = `Cache reset of ${distributionName} (${domain}) is waiting for approval. Last reset: ${last?.createTime?.toISOString() ?? 'never'}.`;
  await slack.chat.postMessage({
    channel,
    text,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text } },
      {
        type: 'actions',
        elements: [
          { type: 'button', action_id: 'approve', text: { type: 'plain_text', text: 'Approve' } },
          { type: 'button', action_id: 'deny', text: { type: 'plain_text', text: 'Deny' } },
        ],
      },
    ],
  });
  return 'carded';
}

const worker = new Worker<MinimalCardJob>(MINIMAL_CARD_QUEUE, postCard, {
  connection: new Redis(requiredEnv('REDIS_URL'), { maxRetriesPerRequest: null }),
  prefix: requiredEnv('QUEUE_PREFIX'),
  concurrency: Number(requiredEnv('WORKER_CONCURRENCY')),
});
worker.on('error', (error) => process.stderr.write(`worker error: ${String(error)}\n`));
await worker.waitUntilReady();
process.stdout.write('ready\n');

process.on('SIGTERM', () => {
  worker.close().finally(() => process.exit(0));
});
