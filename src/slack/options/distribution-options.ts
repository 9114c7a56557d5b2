import type { App } from '@slack/bolt';
import { PICKER_ACTION_ID } from '../../domain/distribution-picker.js';
import { distributionOptions } from '../../flow/distribution-picker.js';
import type { FlowDeps } from '../../flow/flow-deps.js';

/** Type-ahead of the picker when there are too many distributions for a static menu. */
export function registerDistributionOptions(app: App, deps: FlowDeps): void {
  app.options<'block_suggestion'>({ action_id: PICKER_ACTION_ID }, async ({ options, ack, logger }) => {
    try {
      await ack({ options: await distributionOptions(deps, String(options.value ?? '')) });
    } catch (error) {
      logger.error(`picker options failed: ${String(error)}`);
      await ack({ options: [] });
    }
  });
}
