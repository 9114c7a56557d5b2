import { type Job, type Queue, Worker } from 'bullmq';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { RedisConnection as Redis } from '../store/redis-connection.js';
import { createExpiryProcessor, type ExpiryWorkerDeps } from './expiry-worker.js';
import { createIntakeProcessor, type IntakeWorkerDeps } from './intake-worker.js';
import { QUEUES } from './jobs.js';
import { markAbandoned, type ReconcileDeps, reconcileRequests } from './reconcile.js';
import { createResetProcessor, type ResetWorkerDeps } from './reset-worker.js';

export interface WorkerSettings {
  prefix: string;
  concurrency: number;
  lockDurationMs: number;
  stalledIntervalMs: number;
  reconcileEveryMs: number;
}

export interface RunningWorkers {
  close(): Promise<void>;
  isRunning(): boolean;
}

/** Starts the reset and expiry workers and the periodic reconciliation; returns how to stop them. */
export function startWorkers(
  connection: Redis,
  settings: WorkerSettings,
  deps: ResetWorkerDeps & ExpiryWorkerDeps & Omit<ReconcileDeps, 'resetQueue'> & { resetQueue: Queue },
  metrics: Metrics,
  logger: Logger,
): RunningWorkers {
  const common = {
    ...workerOptions(connection, settings),
    // A step is safe to run again (it resumes from job data), so a crash loop is the only reason to give up.
    maxStalledCount: 10,
  };
  const resetWorker = new Worker(QUEUES.reset, createResetProcessor(deps), {
    ...common,
    concurrency: settings.concurrency,
  });
  const expiryWorker = new Worker(QUEUES.expiry, createExpiryProcessor(deps), { ...common, concurrency: 4 });

  resetWorker.on('completed', (_job: Job, result: string) => {
    if (result === 'succeeded' || result === 'failed') metrics.resets.inc({ result });
  });
  resetWorker.on('failed', (job: Job | undefined, error: Error) => {
    if (!job?.id) return;
    const requestId = job.id;
    logger.error({ err: error, requestId, attemptsMade: job.attemptsMade }, 'reset step failed');
    // Only a job that BullMQ will not retry again (attempts used up, or stalled too often) is abandoned.
    job
      .getState()
      .then(async (state) => {
        if (state === 'failed' && (await markAbandoned(deps, requestId, error.message))) {
          metrics.resets.inc({ result: 'failed' });
        }
      })
      .catch((e: unknown) => logger.error({ err: e, requestId }, 'could not mark an abandoned request'));
  });
  expiryWorker.on('failed', (job: Job | undefined, error: Error) => {
    logger.warn({ err: error, jobId: job?.id }, 'expiry step failed');
  });
  for (const worker of [resetWorker, expiryWorker]) {
    worker.on('error', (error: Error) => logger.error({ err: error }, 'worker error'));
  }

  // One pass at a time: a pass that outlasts the interval (Redis slow to answer) is not doubled up.
  let reconciling = false;
  const reconcile = async () => {
    if (reconciling) return;
    reconciling = true;
    try {
      const counts = await reconcileRequests(deps);
      if (counts.queued || counts.failed) logger.warn(counts, 'reconciled requests');
      if (counts.failed) metrics.resets.inc({ result: 'failed' }, counts.failed);
    } catch (error) {
      logger.warn({ err: error }, 'reconciliation failed; will try again');
    } finally {
      reconciling = false;
    }
  };
  void reconcile();
  const timer = setInterval(reconcile, settings.reconcileEveryMs);
  timer.unref();

  return {
    async close() {
      clearInterval(timer);
      await Promise.all([resetWorker.close(), expiryWorker.close()]);
    },
    isRunning: () => resetWorker.isRunning() && expiryWorker.isRunning(),
  };
}

/**
 * Starts the worker that answers slash commands the web side acked and queued (the intake queue).
 * An ask cut short by a crash is answered once more at most: the second try finds the request the
 * first one recorded (one open request per distribution) and says so, rather than asking twice.
 */
export function startIntakeWorker(
  connection: Redis,
  settings: WorkerSettings,
  deps: IntakeWorkerDeps,
  logger: Logger,
): RunningWorkers {
  const worker = new Worker(QUEUES.intake, createIntakeProcessor(deps), {
    ...workerOptions(connection, settings),
    concurrency: settings.concurrency,
    maxStalledCount: 1,
  });
  worker.on('failed', (job: Job | undefined, error: Error) => {
    // The person may not have heard back (their response_url failed): said loudly in the logs.
    logger.error({ err: error, jobId: job?.id }, 'a slash command could not be answered');
  });
  worker.on('error', (error: Error) => logger.error({ err: error }, 'worker error'));
  return { close: () => worker.close(), isRunning: () => worker.isRunning() };
}

function workerOptions(connection: Redis, settings: WorkerSettings) {
  return {
    connection,
    prefix: settings.prefix,
    lockDuration: settings.lockDurationMs,
    stalledInterval: settings.stalledIntervalMs,
  };
}
