import { HOME_REFRESH_ACTION_ID } from '../../domain/app-home.js';
import { publishHome } from '../../flow/app-home.js';
import type { FlowDeps } from '../../flow/flow-deps.js';
import type { ActionRoutes } from './action-routes.js';

/** Refresh on the Home tab: shows the tab again as things stand now. */
export function registerHomeRefreshAction(routes: ActionRoutes, deps: FlowDeps): void {
  routes.action(HOME_REFRESH_ACTION_ID, async ({ body, ack, logger }) => {
    await ack();
    try {
      await publishHome(deps, body.user.id);
    } catch (error) {
      logger.warn(`could not refresh the Home tab: ${String(error)}`);
    }
  });
}
