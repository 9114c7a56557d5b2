import type { App } from '@slack/bolt';
import { COMMAND, parseCommandText, usageText } from '../../domain/command-text.js';
import type { FlowDeps } from '../../flow/flow-deps.js';
import { requestReset } from '../../flow/request-reset.js';
import type { Metrics } from '../../observability/metrics.js';

/** `/lightsail-reset <name>`: ack at once (with the problem, if the text is wrong), then do the slow part. */
export function registerLightsailResetCommand(app: App, deps: FlowDeps, metrics: Metrics): void {
  app.command(COMMAND, async ({ command, ack, respond, logger }) => {
    const parsed = parseCommandText(command.text ?? '');
    if (parsed.kind === 'help') {
      await ack({ response_type: 'ephemeral', text: usageText() });
      return;
    }
    if (parsed.kind === 'invalid') {
      metrics.requests.inc({ outcome: 'invalid' });
      await ack({ response_type: 'ephemeral', text: `:warning: ${parsed.problem}\n\n${usageText()}` });
      return;
    }
    await ack();
    try {
      const problem = await requestReset(deps, {
        userId: command.user_id,
        channelId: command.channel_id,
        distributionName: parsed.distributionName,
      });
      metrics.requests.inc({ outcome: problem ? 'refused' : 'carded' });
      if (problem) await respond({ response_type: 'ephemeral', text: problem });
    } catch (error) {
      metrics.requests.inc({ outcome: 'error' });
      logger.error(`request failed: ${String(error)}`);
      await respond({
        response_type: 'ephemeral',
        text: ':warning: Something went wrong on my side; nothing was requested. Please try again in a minute.',
      });
    }
  });
}
