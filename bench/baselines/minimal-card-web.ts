import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { bareBoltApp, serve } from './bolt-app.js';
import { MINIMAL_CARD_QUEUE, type MinimalCardJob } from './minimal-job.js';
import { requiredEnv } from './required-env.js';

// The web half of the minimal card bot: bare Bolt (as bare-bolt.ts) whose slash command acks, then
// queues the command for the minimal card worker with one Queue.add. No screening of the body, no
// other listener, no metrics, no logging.
const queue = new Queue<MinimalCardJob>(MINIMAL_CARD_QUEUE, {
  connection: new Redis(requiredEnv('REDIS_URL'), { maxRetriesPerRequest: null }),
  prefix: requiredEnv('QUEUE_PREFIX'),
});
const app = bareBoltApp();

app.command('/lightsail-reset', async ({ command, ack }) => {
  await ack();
  await queue.add(
    'card',
    { distributionName: command.text, channel: command.channel_id },
    { removeOnComplete: true },
  );
});

await serve(app);
