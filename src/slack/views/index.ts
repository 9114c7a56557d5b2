import type { App } from '@slack/bolt';
import type { FlowDeps } from '../../flow/flow-deps.js';
import type { Metrics } from '../../observability/metrics.js';
import { registerDenyReasonView } from './deny-reason-view.js';

export function registerViews(app: App, deps: FlowDeps, metrics: Metrics): void {
  registerDenyReasonView(app, deps, metrics);
}
