import type { Queue } from 'bullmq';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** The bot's Prometheus metrics, in a registry of its own so tests can make several apps in one process. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    requests: new Counter({
      name: 'lightsail_reset_requests_total',
      help: 'Slash-command requests by outcome (carded, break_glass, invalid, refused, error)',
      labelNames: ['outcome'] as const,
      registers,
    }),
    decisions: new Counter({
      name: 'lightsail_reset_decisions_total',
      help: 'Clicks and dialog submits on the approval card by decision and result (recorded, refused, malformed)',
      labelNames: ['decision', 'result'] as const,
      registers,
    }),
    decisionSeconds: new Histogram({
      name: 'lightsail_reset_decision_seconds',
      help: 'Time from a request to its decision (approved, denied, cancelled, expired)',
      labelNames: ['decision'] as const,
      buckets: [5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600],
      registers,
    }),
    resets: new Counter({
      name: 'lightsail_reset_results_total',
      help: 'Finished resets by result (succeeded, failed)',
      labelNames: ['result'] as const,
      registers,
    }),
    operationSeconds: new Histogram({
      name: 'lightsail_reset_operation_duration_seconds',
      help: 'Time from ResetDistributionCache to a terminal operation status',
      labelNames: ['result'] as const,
      buckets: [5, 15, 30, 60, 120, 180, 300, 600, 900, 1800],
      registers,
    }),
    lightsailCalls: new Counter({
      name: 'lightsail_reset_lightsail_calls_total',
      help: 'Lightsail API calls by operation and outcome (ok, or the error name)',
      labelNames: ['operation', 'outcome'] as const,
      registers,
    }),
    slackErrors: new Counter({
      name: 'lightsail_reset_slack_api_errors_total',
      help: 'Slack Web API calls that failed, by method and error',
      labelNames: ['method', 'error'] as const,
      registers,
    }),
    workerRunning: new Gauge({
      name: 'lightsail_reset_worker_running',
      help: '1 while this process runs the reset worker, 0 otherwise',
      registers,
    }),
    redisUp: new Gauge({
      name: 'lightsail_reset_redis_up',
      help: '1 when the last Redis ping from this process answered, 0 otherwise',
      registers,
    }),
  };
}
export type Metrics = ReturnType<typeof createMetrics>;

/**
 * Starts the series alerts depend on at zero, so that the first failure is an increase Prometheus
 * can see rather than a series that appears out of nowhere.
 */
export function zeroKnownSeries(metrics: Metrics): void {
  for (const result of ['succeeded', 'failed']) metrics.resets.inc({ result }, 0);
  for (const outcome of ['carded', 'break_glass', 'invalid', 'refused', 'error'])
    metrics.requests.inc({ outcome }, 0);
  metrics.workerRunning.set(0);
  metrics.redisUp.set(0);
}

/** Queue depth by state, read from Redis when Prometheus scrapes. */
export function watchQueues(metrics: Metrics, queues: Queue[]): void {
  new Gauge({
    name: 'lightsail_reset_queue_jobs',
    help: 'Jobs in each queue by state (waiting, active, delayed, completed, failed)',
    labelNames: ['queue', 'state'] as const,
    registers: [metrics.registry],
    async collect() {
      for (const queue of queues) {
        try {
          const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed');
          for (const [state, count] of Object.entries(counts)) this.set({ queue: queue.name, state }, count);
        } catch {
          // Redis away: keep the last values; lightsail_reset_redis_up says why
        }
      }
    },
  });
}
