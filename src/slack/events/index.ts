import type { App } from '@slack/bolt';
import type { FlowDeps } from '../../flow/flow-deps.js';
import { registerAppHomeOpened } from './app-home-opened.js';

export function registerEvents(app: App, deps: FlowDeps): void {
  registerAppHomeOpened(app, deps);
}
