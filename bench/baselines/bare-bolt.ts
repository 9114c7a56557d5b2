import { bareBoltApp, serve } from './bolt-app.js';

// The baseline of the ack benchmark: a Bolt app configured like ours whose slash command only acks.
const app = bareBoltApp();

app.command('/lightsail-reset', async ({ ack }) => {
  await ack();
});

await serve(app);
