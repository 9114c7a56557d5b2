import type { App } from '@slack/bolt';
import { publishHome } from '../../flow/app-home.js';
import type { FlowDeps } from '../../flow/flow-deps.js';

/** Someone opened the app's Home tab: show them what waits for them and what happened lately. */
export function registerAppHomeOpened(app: App, deps: FlowDeps): void {
  app.event('app_home_opened', async ({ event, logger }) => {
    if (event.tab !== 'home') return;
    try {
      await publishHome(deps, event.user);
    } catch (error) {
      logger.warn(`could not show the Home tab: ${String(error)}`);
    }
  });
}
