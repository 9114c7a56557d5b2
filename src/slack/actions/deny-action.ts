import type { App, BlockAction } from '@slack/bolt';
import { denyDialog } from '../../domain/deny-dialog.js';
import { decideRequest, refusalOf } from '../../flow/decide-request.js';
import type { FlowDeps } from '../../flow/flow-deps.js';
import type { Metrics } from '../../observability/metrics.js';
import { ButtonClickSchema, CLICK_FAILED, clickedDecision, MALFORMED_CLICK } from './button-click.js';

/** Deny on the card: opens a dialog for an optional reason; the dialog's submit makes the decision. */
export function registerDenyAction(app: App, actionId: string, deps: FlowDeps, metrics: Metrics): void {
  app.action<BlockAction>(actionId, async ({ body, ack, respond, logger }) => {
    await ack();
    const click = ButtonClickSchema.safeParse(body);
    if (!click.success) {
      metrics.decisions.inc({ decision: 'deny', result: 'malformed' });
      await respond({ response_type: 'ephemeral', replace_original: false, text: MALFORMED_CLICK });
      return;
    }
    const decision = { ...clickedDecision(click.data), decision: 'deny' as const };
    try {
      const refusal = await refusalOf(deps, decision);
      if (refusal) {
        metrics.decisions.inc({ decision: 'deny', result: 'refused' });
        await respond({ response_type: 'ephemeral', replace_original: false, text: refusal });
        return;
      }
      const request = await deps.store.get(decision.requestId);
      if (request && click.data.trigger_id) {
        try {
          await deps.slack.openModal(click.data.trigger_id, denyDialog(request));
          return;
        } catch (error) {
          logger.warn(`could not open the deny dialog, denying without a reason: ${String(error)}`);
        }
      }
      const reply = await decideRequest(deps, decision);
      metrics.decisions.inc({ decision: 'deny', result: reply ? 'refused' : 'recorded' });
      if (reply) await respond({ response_type: 'ephemeral', replace_original: false, text: reply });
    } catch (error) {
      logger.error(`deny failed: ${String(error)}`);
      await respond({ response_type: 'ephemeral', replace_original: false, text: CLICK_FAILED });
    }
  });
}
