import { App, HTTPReceiver } from '@slack/bolt';
import type { WebClientOptions } from '@slack/web-api';
import type { Config } from '../config.js';
import type { FlowDeps } from '../flow/flow-deps.js';
import type { HealthRoute } from '../observability/health-routes.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { registerActions } from './actions/index.js';
import { boltLogger } from './bolt-logger.js';
import { registerCommands } from './commands/index.js';
import { registerEvents } from './events/index.js';
import { registerFunctions } from './functions/index.js';
import { type Installation, registerGuards } from './guards/delivery-guards.js';
import { registerOptions } from './options/index.js';
import { registerViews } from './views/index.js';

/** Web API options for calls made while a person waits: a few quick retries, never half an hour. */
export function interactiveClientOptions(config: Config): WebClientOptions {
  return {
    ...(config.slack.apiUrl ? { slackApiUrl: withTrailingSlash(config.slack.apiUrl) } : {}),
    retryConfig: { retries: 2, factor: 2, minTimeout: 200, maxTimeout: 1000 },
    timeout: 5000,
  };
}

/** Options for the worker: fail fast and let the job retry later, so no worker slot waits on Slack. */
export function backgroundClientOptions(config: Config): WebClientOptions {
  return {
    ...(config.slack.apiUrl ? { slackApiUrl: withTrailingSlash(config.slack.apiUrl) } : {}),
    retryConfig: { retries: 1, factor: 2, minTimeout: 200, maxTimeout: 500 },
    rejectRateLimitedCalls: true,
    timeout: 10_000,
  };
}

function withTrailingSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

/** Slack's payloads are a few kilobytes; anything far larger is refused before it is parsed. */
export const BODY_LIMIT_BYTES = 64 * 1024;

export function createSlackApp(
  config: Config,
  deps: FlowDeps,
  metrics: Metrics,
  routes: HealthRoute[],
  logger: Logger,
  ourInstall: () => Installation | undefined,
): { app: App; receiver: HTTPReceiver | undefined } {
  const socketMode = config.slack.appToken !== undefined;
  const bolt = boltLogger(logger);
  const receiver = socketMode
    ? undefined
    : new HTTPReceiver({
        signingSecret: config.slack.signingSecret ?? '',
        customRoutes: routes,
        processBeforeResponse: false,
        bodyLimit: BODY_LIMIT_BYTES,
        logger: bolt,
      });
  const app = new App({
    token: config.slack.botToken,
    ...(socketMode
      ? {
          socketMode: true,
          appToken: config.slack.appToken,
          // The Socket Mode client makes its own Web API calls (apps.connections.open): same base URL.
          installerOptions: { port: config.port, clientOptions: interactiveClientOptions(config) },
          customRoutes: routes,
        }
      : { receiver }),
    // auth.test runs in init(), which main awaits, so a bad token stops the start instead of the first request.
    deferInitialization: true,
    clientOptions: interactiveClientOptions(config),
    logger: bolt,
    // No listener reads context.conversation: Bolt's conversation store would only cost each request a lookup.
    convoStore: false,
  });
  registerGuards(app, ourInstall, (id) => deps.store.firstDelivery(id), logger);
  registerCommands(app, deps, metrics);
  registerActions(app, deps, metrics);
  registerViews(app, deps, metrics);
  registerOptions(app, deps);
  registerEvents(app, deps);
  registerFunctions(app, deps);
  app.error(async (error) => {
    logger.error({ err: error }, 'unhandled error in a Slack listener');
  });
  return { app, receiver };
}
