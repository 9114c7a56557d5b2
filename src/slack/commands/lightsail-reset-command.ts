import type { App } from '@slack/bolt';
import { COMMAND, parseCommandText, usageText } from '../../domain/command-text.js';
import type { FlowDeps } from '../../flow/flow-deps.js';
import { TRY_AGAIN_SHORTLY } from '../../flow/request-reset.js';
import type { Metrics } from '../../observability/metrics.js';
import { ASK_JOB_OPTIONS, type AskJobData, JOBS } from '../../queue/jobs.js';

/**
 * `/lightsail-reset ...`: ack at once (with the problem, if the text is wrong), then queue the rest
 * for a worker, which checks it is not a replay and answers through the command's response_url.
 * Nothing slow runs here, so that acks stay quick however many commands arrive.
 */
export function registerLightsailResetCommand(app: App, deps: FlowDeps, metrics: Metrics): void {
  app.command(COMMAND, async ({ command, ack, respond }) => {
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
    // Checked for a replay by the worker that answers it: one Redis call here, not two.
    const ask: AskJobData = {
      text: command.text ?? '',
      userId: command.user_id,
      channelId: command.channel_id,
      responseUrl: command.response_url,
      askedAt: Date.now(),
      ...(command.trigger_id ? { deliveryId: command.trigger_id } : {}),
    };
    try {
      await deps.intakeQueue.add(JOBS.ask, ask, ASK_JOB_OPTIONS);
    } catch (error) {
      metrics.requests.inc({ outcome: 'error' });
      deps.logger.warn(
        { err: error, user: command.user_id, channel: command.channel_id },
        'could not queue a command',
      );
      await respond({ response_type: 'ephemeral', text: TRY_AGAIN_SHORTLY });
    }
  });
}
