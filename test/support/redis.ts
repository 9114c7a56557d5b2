import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { inject } from 'vitest';

/** A key prefix nobody else uses, so tests share one Redis without touching each other's keys. */
export function uniquePrefix(label: string): string {
  return `lsr-test-${label}-${randomBytes(4).toString('hex')}`;
}

export function testRedisUrl(): string {
  return inject('redisUrl');
}

/** A connection fit for BullMQ workers and for the store alike. */
export function connectTestRedis(): Redis {
  return new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
}

/** Removes only the keys under our prefix, never anyone else's. */
export async function deletePrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
}
