import { Counter, collectDefaultMetrics, Registry } from 'prom-client';

/** The bot's Prometheus metrics, in a registry of its own so tests can make several apps in one process. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    requests: new Counter({
      name: 'lightsail_reset_requests_total',
      help: 'Slash-command requests by outcome (carded, invalid, refused, unknown_distribution, error)',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    decisions: new Counter({
      name: 'lightsail_reset_decisions_total',
      help: 'Clicks on the approval card by decision and result (recorded, refused, late)',
      labelNames: ['decision', 'result'] as const,
      registers: [registry],
    }),
    resets: new Counter({
      name: 'lightsail_reset_results_total',
      help: 'Finished resets by result (succeeded, failed)',
      labelNames: ['result'] as const,
      registers: [registry],
    }),
  };
}
export type Metrics = ReturnType<typeof createMetrics>;
