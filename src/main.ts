import { createServer } from 'node:http';
import { WebClient } from '@slack/web-api';
import { Queue } from 'bullmq';
import { Cluster } from 'ioredis';
import { type Config, ConfigError, loadConfig } from './config.js';
import { auditLine } from './domain/audit-line.js';
import { isTerminal } from './domain/reset-request.js';
import type { FlowDeps } from './flow/flow-deps.js';
import { STEP_COMPLETED_EVENT, StepCompleter } from './flow/workflow-step.js';
import { LightsailGateway } from './lightsail/lightsail-gateway.js';
import { healthRoutes } from './observability/health-routes.js';
import { createLogger, type Logger } from './observability/logger.js';
import { createMetrics, watchQueues, zeroKnownSeries } from './observability/metrics.js';
import { releaseMemoryWhenIdle } from './observability/release-idle-memory.js';
import { QUEUES } from './queue/jobs.js';
import { type RunningWorkers, startIntakeWorker, startWorkers } from './queue/start-workers.js';
import type { Installation } from './slack/guards/delivery-guards.js';
import { KNOWN_INTERACTIONS } from './slack/known-interactions.js';
import {
  BODY_LIMIT_BYTES,
  backgroundClientOptions,
  createSlackApp,
  interactiveClientOptions,
} from './slack/slack-app.js';
import { createSlackHttpServer } from './slack/slack-http-front.js';
import { SlackMessenger, slackErrorCode } from './slack/slack-messenger.js';
import { UserGroupDirectory } from './slack/user-groups.js';
import {
  type ConnectionRole,
  isHashTagged,
  openRedis,
  type RedisConnection,
  readRedisFacts,
  redactRedisUrl,
} from './store/redis-connection.js';
import { RequestStore } from './store/request-store.js';

type Role = 'web' | 'worker' | 'all';
const SHUTDOWN_DEADLINE_MS = 10_000;
const STEP_SWEEP_EVERY_MS = 5_000;

class StartupError extends Error {}

function parseRole(argv: string[]): Role {
  const role = argv.find((arg) => !arg.startsWith('-')) ?? 'all';
  if (role === 'web' || role === 'worker' || role === 'all') return role;
  throw new StartupError(`Unknown role "${role}": use web, worker or all (the default).`);
}

async function connectRedis(config: Config, role: ConnectionRole, logger: Logger): Promise<RedisConnection> {
  let connection: RedisConnection;
  try {
    connection = await openRedis(config.redisUrl, role);
    await connection.ping();
  } catch (error) {
    throw new StartupError(
      `Cannot reach Redis at ${redactRedisUrl(config.redisUrl)} (${error instanceof Error ? error.message : String(error)}). Check REDIS_URL and that Redis is running.`,
    );
  }
  if (connection instanceof Cluster && !isHashTagged(config.queuePrefix)) {
    connection.disconnect();
    throw new StartupError(
      `REDIS_URL is a Redis Cluster node: QUEUE_PREFIX must be a hash tag in braces, like {lightsail-reset}, so that each queue's keys share a slot (now "${config.queuePrefix}").`,
    );
  }
  if (role === 'worker') return connection;
  const facts = await readRedisFacts(connection);
  logger.info({ redisVersion: facts.version, maxmemoryPolicy: facts.maxmemoryPolicy }, 'connected to Redis');
  const [major = 0, minor = 0] = facts.version.split('.').map(Number);
  if (major < 6 || (major === 6 && minor < 2)) {
    logger.warn(`Redis ${facts.version} is older than 6.2, the version BullMQ recommends.`);
  }
  if (facts.maxmemoryPolicy !== undefined && facts.maxmemoryPolicy !== 'noeviction') {
    logger.error(
      `Redis maxmemory-policy is "${facts.maxmemoryPolicy}": set it to noeviction, or Redis may evict queued resets under memory pressure.`,
    );
  }
  return connection;
}

async function main(): Promise<void> {
  const role = parseRole(process.argv.slice(2));
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const metrics = createMetrics();
  zeroKnownSeries(metrics);

  const redis = await connectRedis(config, 'web', logger);

  const lightsail = new LightsailGateway({
    onCall: (operation, outcome) => metrics.lightsailCalls.inc({ operation, outcome }),
  });
  try {
    await lightsail.checkCredentials();
  } catch (error) {
    throw new StartupError(
      `No usable AWS credentials (${error instanceof Error ? error.message : String(error)}). Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE, or run with an IAM role.`,
    );
  }

  const prefix = config.queuePrefix;
  const resetQueue = new Queue(QUEUES.reset, { connection: redis, prefix });
  const expiryQueue = new Queue(QUEUES.expiry, { connection: redis, prefix });
  const intakeQueue = new Queue(QUEUES.intake, { connection: redis, prefix });
  const countSlackError = (method: string, error: string) => metrics.slackErrors.inc({ method, error });
  const backgroundSlack = new SlackMessenger(
    new WebClient(config.slack.botToken, backgroundClientOptions(config)),
    countSlackError,
  );
  let steps: StepCompleter | undefined;
  const store = new RequestStore(redis, prefix, (entry, request) => {
    logger.info({ audit: true, ...entry, operationId: request.operationId }, `audit: ${entry.event}`);
    if (request.workflowExecutionId && isTerminal(request.state) && entry.event !== STEP_COMPLETED_EVENT) {
      steps?.finish(request.id);
    }
    const line = config.auditChannelId ? auditLine(entry) : undefined;
    if (config.auditChannelId && line) {
      backgroundSlack
        .post(config.auditChannelId, line, store)
        .catch((error: unknown) =>
          logger.warn({ err: error, requestId: entry.requestId }, 'audit channel post failed'),
        );
    }
  });

  steps = new StepCompleter({ store, slack: backgroundSlack, logger, metrics });
  const stops: Array<() => Promise<unknown>> = [];
  let workers: RunningWorkers | undefined;
  watchQueues(metrics, [resetQueue, expiryQueue, intakeQueue]);
  const routes = healthRoutes(
    redis,
    metrics,
    role === 'web' ? undefined : () => workers?.isRunning() ?? false,
  );

  const groups = new UserGroupDirectory(
    new WebClient(config.slack.botToken, backgroundClientOptions(config)),
    logger,
  );
  // What the request flow needs, in either role; each role gives it the Slack client it should use.
  const flowDeps = (slack: SlackMessenger): FlowDeps => ({
    store,
    lightsail,
    slack,
    groups,
    resetQueue,
    expiryQueue,
    intakeQueue,
    policy: config.policy,
    logger,
    metrics,
  });

  if (role === 'web' || role === 'all') {
    const deps = flowDeps(backgroundSlack); // its Slack client is replaced below by the app's own
    let install: Installation | undefined;
    const { app, receiver } = createSlackApp(config, deps, metrics, routes, logger, () => install);
    deps.slack = new SlackMessenger(app.client, countSlackError);
    try {
      await app.init();
      const auth = await app.client.auth.test();
      install = {
        teamId: auth.team_id,
        ...(auth.is_enterprise_install && auth.enterprise_id ? { enterpriseId: auth.enterprise_id } : {}),
      };
    } catch (error) {
      throw new StartupError(
        `Slack did not accept SLACK_BOT_TOKEN (${slackErrorCode(error) ?? (error instanceof Error ? error.message : String(error))}). Check the token and SLACK_API_URL.`,
      );
    }
    if (receiver) {
      const server = createSlackHttpServer(receiver, BODY_LIMIT_BYTES, KNOWN_INTERACTIONS, logger);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.port, () => resolve());
      });
      stops.push(
        () =>
          new Promise((resolve) => {
            server.close(() => resolve(undefined));
            server.closeIdleConnections();
          }),
      );
    } else {
      await app.start(config.port);
      stops.push(() => app.stop());
    }
    logger.info(
      { port: config.port, mode: config.slack.appToken ? 'socket' : 'http' },
      'web role listening: POST /slack/events, GET /healthz /readyz /metrics',
    );
  }

  if (role === 'worker' || role === 'all') {
    if (role === 'worker') {
      try {
        await new WebClient(config.slack.botToken, backgroundClientOptions(config)).auth.test();
      } catch (error) {
        throw new StartupError(
          `Slack did not accept SLACK_BOT_TOKEN (${slackErrorCode(error) ?? String(error)}).`,
        );
      }
      const server = createServer((req, res) => {
        const route = routes.find(
          (r) => r.path === req.url?.split('?')[0] && r.method.includes(req.method ?? ''),
        );
        if (route) route.handler(req, res);
        else res.writeHead(404).end();
      });
      await new Promise<void>((resolve) => server.listen(config.port, resolve));
      stops.push(() => new Promise((resolve) => server.close(resolve)));
    }
    const connection = await connectRedis(config, 'worker', logger);
    const settings = {
      prefix,
      concurrency: config.worker.concurrency,
      lockDurationMs: config.worker.lockDurationMs,
      // Checking for stalled jobs twice per lock period bounds take-over after a crash to about 1.5 locks.
      stalledIntervalMs: Math.max(1000, Math.floor(config.worker.lockDurationMs / 2)),
      reconcileEveryMs: 60_000,
    };
    const resetWorkers = startWorkers(
      connection,
      settings,
      {
        store,
        lightsail,
        slack: backgroundSlack,
        resetQueue,
        polling: config.polling,
        metrics,
        logger,
      },
      metrics,
      logger,
    );
    // A person waits for the answer to a command: its card goes out with the interactive retry policy.
    const askSlack = new SlackMessenger(
      new WebClient(config.slack.botToken, interactiveClientOptions(config)),
      countSlackError,
    );
    const intakeWorker = startIntakeWorker(connection, settings, flowDeps(askSlack), logger);
    workers = {
      close: async () => {
        await Promise.all([resetWorkers.close(), intakeWorker.close()]);
      },
      isRunning: () => resetWorkers.isRunning() && intakeWorker.isRunning(),
    };
    const running = workers;
    stops.unshift(async () => {
      await running.close();
      connection.disconnect();
    });
    // Workflow steps whose request ended while no process could complete them (a crash, a Slack outage).
    steps.start(STEP_SWEEP_EVERY_MS);
    stops.unshift(async () => steps?.stop());
    metrics.workerRunning.set(1);
    logger.info({ prefix }, 'worker role running');
  }

  // After a burst of resets, hand the heap V8 grew back to the system once the process is idle again.
  // Not in a web-only process: shrinking its young generation after each burst of acks slowed the next
  // burst's acks (bench/README.md, "the idle-memory collection in the web process").
  if (role !== 'web') {
    const idleMemory = releaseMemoryWhenIdle(logger);
    stops.push(async () => idleMemory.stop());
  }

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const deadline = setTimeout(() => {
      logger.warn('shutdown took too long; exiting with work handed back to the queue');
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS);
    deadline.unref();
    (async () => {
      for (const stop of stops)
        await stop().catch((e: unknown) => logger.warn({ err: e }, 'error while stopping'));
      await Promise.allSettled([resetQueue.close(), expiryQueue.close(), intakeQueue.close()]);
      redis.disconnect();
      lightsail.destroy();
      clearTimeout(deadline);
      logger.info('stopped');
      process.exit(0);
    })();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof StartupError) {
    process.stderr.write(`lightsail-reset: ${error.message}\n`);
  } else {
    process.stderr.write(
      `lightsail-reset: failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
  }
  process.exit(1);
});
