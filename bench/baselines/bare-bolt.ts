import { App, LogLevel } from '@slack/bolt';

// The baseline of the ack benchmark: a Bolt app configured like ours (HTTP receiver, same signing
// secret, processBeforeResponse false, deferred auth.test) whose slash command only acks.
const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

const app = new App({
  token: env('SLACK_BOT_TOKEN'),
  signingSecret: env('SLACK_SIGNING_SECRET'),
  processBeforeResponse: false,
  deferInitialization: true,
  clientOptions: { slackApiUrl: env('SLACK_API_URL') },
  logLevel: LogLevel.ERROR,
});

app.command('/lightsail-reset', async ({ ack }) => {
  await ack();
});

await app.init();
await app.start(Number(env('PORT')));
process.stdout.write('ready\n');

process.on('SIGTERM', () => {
  app.stop().finally(() => process.exit(0));
});
