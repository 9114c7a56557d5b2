import { App, LogLevel } from '@slack/bolt';
import { requiredEnv } from './required-env.js';

/**
 * A Bolt app configured like ours (HTTP receiver, same signing secret, processBeforeResponse false,
 * deferred auth.test): the one setup of every baseline that answers Slack, so that they stay alike.
 */
export function bareBoltApp(): App {
  return new App({
    token: requiredEnv('SLACK_BOT_TOKEN'),
    signingSecret: requiredEnv('SLACK_SIGNING_SECRET'),
    processBeforeResponse: false,
    deferInitialization: true,
    clientOptions: { slackApiUrl: requiredEnv('SLACK_API_URL') },
    logLevel: LogLevel.ERROR,
  });
}

/** Starts the app on PORT, says `ready` (what ScriptProcess waits for), and stops on SIGTERM. */
export async function serve(app: App): Promise<void> {
  await app.init();
  await app.start(Number(requiredEnv('PORT')));
  process.stdout.write('ready\n');
  process.on('SIGTERM', () => {
    app.stop().finally(() => process.exit(0));
  });
}
