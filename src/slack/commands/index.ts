import type { App } from '@slack/bolt';
import type { FlowDeps } from '../../flow/flow-deps.js';
import type { Metrics } from '../../observability/metrics.js';
import { registerLightsailResetCommand } from './lightsail-reset-command.js';

export function registerCommands(app: App, deps: FlowDeps, metrics: Metrics): void {
  registerLightsailResetCommand(app, deps, metrics);
}
