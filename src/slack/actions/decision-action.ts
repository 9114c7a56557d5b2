import type { App, BlockAction } from '@slack/bolt';
import { type Decision, decideRequest } from '../../flow/decide-request.js';
import type { FlowDeps } from '../../flow/flow-deps.js';
import type { Metrics } from '../../observability/metrics.js';
import { ButtonClickSchema, CLICK_FAILED, clickedDecision, MALFORMED_CLICK } from './button-click.js';

/** Approve and Cancel on the card: the same steps, a different decision. */
export function registerDecisionAction(
  app: App,
  actionId: string,
  decision: Exclude<Decision, 'deny'>,
  deps: FlowDeps,
  metrics: Metrics,
): void {
  app.action<BlockAction>(actionId, async ({ body, ack, respond, logger }) => {
    await ack();
    const click = ButtonClickSchema.safeParse(body);
    if (!click.success) {
      metrics.decisions.inc({ decision, result: 'malformed' });
      await respond({ response_type: 'ephemeral', replace_original: false, text: MALFORMED_CLICK });
      return;
    }
    try {
      const reply = await decideRequest(deps, { ...clickedDecision(click.data), decision });
      metrics.decisions.inc({ decision, result: reply ? 'refused' : 'recorded' });
      if (reply) await respond({ response_type: 'ephemeral', replace_original: false, text: reply });
    } catch (error) {
      logger.error(`decision failed: ${String(error)}`);
      await respond({ response_type: 'ephemeral', replace_original: false, text: CLICK_FAILED });
    }
  });
}
