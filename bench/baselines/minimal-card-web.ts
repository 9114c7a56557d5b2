import { App, LogLevel } from '@slack/bolt';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { MINIMAL_CARD_QUEUE, type MinimalCardJob } from './minimal-job.js';

// The web half of the minimal card bot: bare Bolt (configured as bare-bolt.ts) whose slash command
// acks, then queues the command for the minimal card worker with one Queue.add. No screening of the
// body, no other listener, no metrics, no logging.
const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

const queue = new Queue<MinimalCardJob>(MINIMAL_CARD_QUEUE, {
  connection: new Redis(env('REDIS_URL'), { maxRetriesPerRequest: null }),
  prefix: env('QUEUE_PREFIX'),
});
const app = new App({
  token: env('SLACK_BOT_TOKEN'),
  signingSecret: env('SLACK_SIGNING_SECRET'),
  processBeforeResponse: false,
  deferInitialization: true,
  clientOptions: { slackApiUrl: env('SLACK_API_URL') },
  logLevel: LogLevel.ERROR,
});

app.command('/lightsail-reset', async ({ command, ack }) => {
  await ack();
  await queue.add(
    'card',
    { distributionName: command.text, channel: command.channel_id },
    { removeOnComplete: true },
  );
});

await app.init();
await app.start(Number(env('PORT')));
process.stdout.write('ready\n');

process.on('SIGTERM', () => {
  app.stop().finally(() => process.exit(0));
});
