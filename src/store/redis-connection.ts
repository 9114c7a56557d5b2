import { Redis } from 'ioredis';

/** BullMQ workers block on Redis and must wait forever for a reply; see BullMQ's connection guide. */
export function workerConnection(url: string): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: null,
    lazyConnect: true,
    connectionName: 'lightsail-reset:worker',
  });
}

/** The web side fails fast while Redis is away, so a person hears "try again shortly" instead of a timeout. */
export function webConnection(url: string): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    lazyConnect: true,
    connectionName: 'lightsail-reset:web',
  });
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
export async function readRedisFacts(redis: Redis): Promise<RedisFacts> {
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
