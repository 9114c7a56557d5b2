import { Cluster, Redis, type RedisOptions } from 'ioredis';

/** One Redis server, or a Redis Cluster (detected at connection time from the node REDIS_URL names). */
export type RedisConnection = Redis | Cluster;

export type ConnectionRole = 'web' | 'worker';

/**
 * Options by role. BullMQ workers block on Redis and must wait forever for a reply (BullMQ's
 * connection guide); the web side fails fast while Redis is away, so a person hears "try again
 * shortly" instead of a timeout.
 */
function optionsFor(role: ConnectionRole): RedisOptions {
  return role === 'worker'
    ? { maxRetriesPerRequest: null, connectionName: 'lightsail-reset:worker' }
    : { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectionName: 'lightsail-reset:web' };
}

/** Connects to REDIS_URL; if that node belongs to a cluster, returns a Cluster client seeded with it. */
export async function openRedis(url: string, role: ConnectionRole): Promise<RedisConnection> {
  const options = optionsFor(role);
  const single = new Redis(url, { ...options, lazyConnect: true });
  await single.connect();
  const info = await single.info('cluster').catch(() => '');
  if (!/cluster_enabled:1/.test(info)) return single;
  single.disconnect();
  const { host, port, username, password, tls } = single.options;
  const cluster = new Cluster([{ host, port }], {
    lazyConnect: true,
    enableOfflineQueue: options.enableOfflineQueue ?? true,
    redisOptions: {
      ...(username ? { username } : {}),
      ...(password ? { password } : {}),
      ...(tls ? { tls } : {}),
      maxRetriesPerRequest: options.maxRetriesPerRequest ?? null,
      connectionName: options.connectionName ?? 'lightsail-reset',
    },
  });
  await cluster.connect();
  return cluster;
}

/** Redis Cluster keeps a request's keys (and BullMQ's) in one slot only if the prefix is a hash tag. */
export function isHashTagged(prefix: string): boolean {
  return /^\{[^{}]+\}/.test(prefix);
}

/** The URL without its password, for messages and logs. */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'an unparsable REDIS_URL';
  }
}

export interface RedisFacts {
  version: string;
  maxmemoryPolicy: string | undefined;
}

/** Reads the facts BullMQ depends on: the server version and the eviction policy (must be noeviction). */
export async function readRedisFacts(redis: RedisConnection): Promise<RedisFacts> {
  const info = await redis.info('server');
  const version = /redis_version:([^\r\n]+)/.exec(info)?.[1] ?? 'unknown';
  let maxmemoryPolicy: string | undefined;
  try {
    const reply = (await redis.config('GET', 'maxmemory-policy')) as string[];
    maxmemoryPolicy = reply[1];
  } catch {
    maxmemoryPolicy = undefined; // managed Redis often forbids CONFIG
  }
  return { version, maxmemoryPolicy };
}
