import type { App } from '@slack/bolt';
import type { FlowDeps } from '../../flow/flow-deps.js';
import { registerResetStep } from './reset-step.js';

export function registerFunctions(app: App, deps: FlowDeps): void {
  registerResetStep(app, deps);
}
