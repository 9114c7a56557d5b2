import { App } from '@slack/bolt';
import type { WebClientOptions } from '@slack/web-api';
import type { Config } from '../config.js';
import type { FlowDeps } from '../flow/flow-deps.js';
import type { HealthRoute } from '../observability/health-routes.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { registerActions } from './actions/index.js';
import { boltLogger } from './bolt-logger.js';
import { registerCommands } from './commands/index.js';
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

export function createSlackApp(
  config: Config,
  deps: FlowDeps,
  metrics: Metrics,
  routes: HealthRoute[],
  logger: Logger,
): App {
  const socketMode = config.slack.appToken !== undefined;
  const app = new App({
    token: config.slack.botToken,
    ...(socketMode
      ? { socketMode: true, appToken: config.slack.appToken, installerOptions: { port: config.port } }
      : { signingSecret: config.slack.signingSecret ?? '' }),
    customRoutes: routes,
    processBeforeResponse: false,
    // auth.test runs in init(), which main awaits, so a bad token stops the start instead of the first request.
    deferInitialization: true,
    clientOptions: interactiveClientOptions(config),
    logger: boltLogger(logger),
  });
  registerCommands(app, deps, metrics);
  registerActions(app, deps, metrics);
  registerViews(app, deps, metrics);
  app.error(async (error) => {
    logger.error({ err: error }, 'unhandled error in a Slack listener');
  });
  return app;
}
