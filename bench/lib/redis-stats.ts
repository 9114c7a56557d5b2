import type { Redis } from 'ioredis';

export interface CommandCounts {
  /** Every command Redis ran, those inside Lua scripts included. */
  total: number;
  /** EVAL/EVALSHA/FCALL: the Lua scripts BullMQ and the store run. */
  scripts: number;
}

/** Command counts since the server started, from INFO commandstats. */
export async function commandCounts(redis: Redis): Promise<CommandCounts> {
  const info = await redis.info('commandstats');
  const counts: CommandCounts = { total: 0, scripts: 0 };
  for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
    const calls = Number(match[2]);
    counts.total += calls;
    if (/^(eval|evalsha|evalsha_ro|eval_ro|fcall|fcall_ro)$/.test(match[1] ?? '')) counts.scripts += calls;
  }
  return counts;
}
