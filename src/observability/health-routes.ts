import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RedisConnection as Redis } from '../store/redis-connection.js';
import type { Metrics } from './metrics.js';

export interface HealthRoute {
  path: string;
  method: string[];
  handler: (req: IncomingMessage, res: ServerResponse) => void;
}

/**
 * GET /healthz (the process answers), /readyz (Redis answers and, in a worker process, the worker
 * runs), /metrics (Prometheus text).
 */
export function healthRoutes(redis: Redis, metrics: Metrics, workerRunning?: () => boolean): HealthRoute[] {
  const send = (res: ServerResponse, status: number, body: string, type = 'application/json') => {
    res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
    res.end(body);
  };
  return [
    {
      path: '/healthz',
      method: ['GET'],
      handler: (_req, res) => send(res, 200, JSON.stringify({ status: 'ok' })),
    },
    {
      path: '/readyz',
      method: ['GET'],
      handler: (_req, res) => {
        pingWithin(redis, 1000).then(
          () => {
            metrics.redisUp.set(1);
            const worker = workerRunning?.();
            const body = {
              status: worker === false ? 'not ready' : 'ready',
              redis: 'ok',
              ...(worker === undefined ? {} : { worker: worker ? 'running' : 'stopped' }),
            };
            send(res, worker === false ? 503 : 200, JSON.stringify(body));
          },
          (error: unknown) => {
            metrics.redisUp.set(0);
            send(
              res,
              503,
              JSON.stringify({ status: 'not ready', redis: error instanceof Error ? error.message : 'down' }),
            );
          },
        );
      },
    },
    {
      path: '/metrics',
      method: ['GET'],
      handler: (_req, res) => {
        // Liveness gauges are read at scrape time, so they are never stale.
        pingWithin(redis, 500)
          .then(
            () => metrics.redisUp.set(1),
            () => metrics.redisUp.set(0),
          )
          .then(() => {
            if (workerRunning) metrics.workerRunning.set(workerRunning() ? 1 : 0);
            return metrics.registry.metrics();
          })
          .then(
            (text) => send(res, 200, text, metrics.registry.contentType),
            () => send(res, 500, 'metrics unavailable', 'text/plain'),
          );
      },
    },
  ];
}

/** Redis's PING, failing after `ms` rather than waiting on a reconnecting client. */
function pingWithin(redis: Redis, ms: number): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timeout')), ms);
  });
  return Promise.race([redis.ping(), timeout]).finally(() => clearTimeout(timer));
}
