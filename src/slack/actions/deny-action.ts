import { denyDialog } from '../../domain/deny-dialog.js';
import { decideRequest, refusalOf } from '../../flow/decide-request.js';
import type { FlowDeps } from '../../flow/flow-deps.js';
import type { Metrics } from '../../observability/metrics.js';
import type { ActionRoutes } from './action-routes.js';
import {
  ButtonClickSchema,
  CLICK_FAILED,
  clickAnswerer,
  clickedDecision,
  isHomeClick,
  MALFORMED_CLICK,
} from './button-click.js';

/** Deny, on the card or on the Home tab: opens a dialog for an optional reason; its submit decides. */
export function registerDenyAction(
  routes: ActionRoutes,
  actionId: string,
  deps: FlowDeps,
  metrics: Metrics,
): void {
  routes.action(actionId, async ({ body, ack, respond, logger }) => {
    await ack();
    const answer = clickAnswerer(deps, body, respond);
    const click = ButtonClickSchema.safeParse(body);
    try {
      if (!click.success) {
        metrics.decisions.inc({ decision: 'deny', result: 'malformed' });
        await answer(MALFORMED_CLICK);
        return;
      }
      const decision = { ...clickedDecision(click.data), decision: 'deny' as const };
      const refusal = await refusalOf(deps, decision);
      if (refusal) {
        metrics.decisions.inc({ decision: 'deny', result: 'refused' });
        await answer(refusal);
        return;
      }
      const request = await deps.store.get(decision.requestId);
      if (request && click.data.trigger_id) {
        try {
          await deps.slack.openModal(click.data.trigger_id, denyDialog(request, isHomeClick(body)));
          return;
        } catch (error) {
          logger.warn(`could not open the deny dialog, denying without a reason: ${String(error)}`);
        }
      }
      const reply = await decideRequest(deps, decision);
      metrics.decisions.inc({ decision: 'deny', result: reply ? 'refused' : 'recorded' });
      await answer(reply);
    } catch (error) {
      logger.error(`deny failed: ${String(error)}`);
      await answer(CLICK_FAILED).catch(() => undefined);
    }
  });
}
