import { existsSync } from 'node:fs';
import type { TestProject } from 'vitest/node';
import { type RedisServerHandle, startRedisServer } from '../../src/local/redis-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
  }
}

let redis: RedisServerHandle | undefined;

/** One redis-server for the whole run (or REDIS_URL); every test works under its own key prefix. */
export async function setup(project: TestProject): Promise<void> {
  if (!existsSync(new URL('../../dist/main.js', import.meta.url))) {
    throw new Error('dist/main.js is missing: run the tests with `npm test`, which builds first.');
  }
  if (process.env.REDIS_URL) {
    project.provide('redisUrl', process.env.REDIS_URL);
    return;
  }
  redis = await startRedisServer();
  project.provide('redisUrl', redis.url);
}

export async function teardown(): Promise<void> {
  await redis?.stop();
}
