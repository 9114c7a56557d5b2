import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Redis } from 'ioredis';
import type { Metrics } from './metrics.js';

export interface HealthRoute {
  path: string;
  method: string[];
  handler: (req: IncomingMessage, res: ServerResponse) => void;
}

/** GET /healthz (the process answers), /readyz (Redis answers), /metrics (Prometheus text). */
export function healthRoutes(redis: Redis, metrics: Metrics): HealthRoute[] {
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
        const timeout = new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error('timeout')), 1000).unref(),
        );
        Promise.race([redis.ping(), timeout]).then(
          () => send(res, 200, JSON.stringify({ status: 'ready', redis: 'ok' })),
          (error: unknown) =>
            send(
              res,
              503,
              JSON.stringify({ status: 'not ready', redis: error instanceof Error ? error.message : 'down' }),
            ),
        );
      },
    },
    {
      path: '/metrics',
      method: ['GET'],
      handler: (_req, res) => {
        metrics.registry.metrics().then(
          (text) => send(res, 200, text, metrics.registry.contentType),
          () => send(res, 500, 'metrics unavailable', 'text/plain'),
        );
      },
    },
  ];
}
