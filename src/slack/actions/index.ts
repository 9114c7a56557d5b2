import type { App } from '@slack/bolt';
import { ACTION_IDS } from '../../domain/approval-card.js';
import type { FlowDeps } from '../../flow/flow-deps.js';
import type { Metrics } from '../../observability/metrics.js';
import { ActionRoutes } from './action-routes.js';
import { registerChosenNameActions } from './chosen-name-action.js';
import { registerDecisionAction } from './decision-action.js';
import { registerDenyAction } from './deny-action.js';
import { registerHomeRefreshAction } from './home-refresh-action.js';

export function registerActions(app: App, deps: FlowDeps, metrics: Metrics): void {
  const routes = new ActionRoutes();
  registerDecisionAction(routes, ACTION_IDS.approve, 'approve', deps, metrics);
  registerDenyAction(routes, ACTION_IDS.deny, deps, metrics);
  registerDecisionAction(routes, ACTION_IDS.cancel, 'cancel', deps, metrics);
  registerChosenNameActions(routes, deps, metrics);
  registerHomeRefreshAction(routes, deps);
  routes.register(app);
}
