import { type Decision, decideRequest } from '../../flow/decide-request.js';
import type { FlowDeps } from '../../flow/flow-deps.js';
import type { Metrics } from '../../observability/metrics.js';
import type { ActionRoutes } from './action-routes.js';
import {
  ButtonClickSchema,
  CLICK_FAILED,
  clickAnswerer,
  clickedDecision,
  MALFORMED_CLICK,
} from './button-click.js';

/** Approve and Cancel, on the card or on the Home tab: the same steps, a different decision. */
export function registerDecisionAction(
  routes: ActionRoutes,
  actionId: string,
  decision: Exclude<Decision, 'deny'>,
  deps: FlowDeps,
  metrics: Metrics,
): void {
  routes.action(actionId, async ({ body, ack, respond, logger }) => {
    await ack();
    const answer = clickAnswerer(deps, body, respond);
    const click = ButtonClickSchema.safeParse(body);
    try {
      if (!click.success) {
        metrics.decisions.inc({ decision, result: 'malformed' });
        await answer(MALFORMED_CLICK);
        return;
      }
      const reply = await decideRequest(deps, { ...clickedDecision(click.data), decision });
      metrics.decisions.inc({ decision, result: reply ? 'refused' : 'recorded' });
      await answer(reply);
    } catch (error) {
      logger.error(`decision failed: ${String(error)}`);
      await answer(CLICK_FAILED).catch(() => undefined);
    }
  });
}
