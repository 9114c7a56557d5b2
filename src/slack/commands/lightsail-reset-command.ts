import type { App } from '@slack/bolt';
import { COMMAND, parseCommandText, usageText } from '../../domain/command-text.js';
import { distributionPicker } from '../../flow/distribution-picker.js';
import type { FlowDeps } from '../../flow/flow-deps.js';
import { requestReset } from '../../flow/request-reset.js';
import { statusReport } from '../../flow/status-report.js';
import type { Metrics } from '../../observability/metrics.js';
import { onceOnly } from '../guards/delivery-guards.js';

/** `/lightsail-reset ...`: ack at once (with the problem, if the text is wrong), then do the slow part. */
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
    if (!(await onceOnly((id) => deps.store.firstDelivery(id), command.trigger_id, deps.logger))) return;
    try {
      if (parsed.kind === 'status') {
        await respond({ response_type: 'ephemeral', text: await statusReport(deps) });
        return;
      }
      if (parsed.kind === 'pick') {
        await respond({ response_type: 'ephemeral', ...(await distributionPicker(deps)) });
        return;
      }
      const problem = await requestReset(deps, {
        userId: command.user_id,
        channelId: command.channel_id,
        distributionName: parsed.distributionName,
        ...(parsed.kind === 'break-glass' ? { breakGlassReason: parsed.reason } : {}),
      });
      metrics.requests.inc({
        outcome: problem ? 'refused' : parsed.kind === 'break-glass' ? 'break_glass' : 'carded',
      });
      if (problem) {
        await respond({
          response_type: 'ephemeral',
          ...(typeof problem === 'string' ? { text: problem } : problem),
        });
      }
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
