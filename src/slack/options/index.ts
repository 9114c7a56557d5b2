import type { App } from '@slack/bolt';
import type { FlowDeps } from '../../flow/flow-deps.js';
import { registerDistributionOptions } from './distribution-options.js';

export function registerOptions(app: App, deps: FlowDeps): void {
  registerDistributionOptions(app, deps);
}
