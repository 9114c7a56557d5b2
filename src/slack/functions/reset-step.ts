import type { App } from '@slack/bolt';
import { RESET_STEP_CALLBACK_ID } from '../../domain/workflow-step.js';
import type { FlowDeps } from '../../flow/flow-deps.js';
import { startResetStep } from '../../flow/workflow-step.js';

/**
 * The Workflow Builder step "Reset Lightsail cache (with approval)". Bolt acks the event; the step is
 * completed later, when the request ends, with the bot's token (the execution's own token does not
 * outlive a restart).
 */
export function registerResetStep(app: App, deps: FlowDeps): void {
  app.function(RESET_STEP_CALLBACK_ID, async ({ event, logger }) => {
    try {
      await startResetStep(deps, event.function_execution_id, event.inputs);
    } catch (error) {
      logger.error(`workflow step failed to start: ${String(error)}`);
      await deps.slack
        .failStep(
          event.function_execution_id,
          'lightsail-reset could not record the request (its database or Slack was unreachable). Nothing was requested; run the workflow again.',
        )
        .catch((e: unknown) => logger.error(`could not fail the workflow step: ${String(e)}`));
    }
  });
}
