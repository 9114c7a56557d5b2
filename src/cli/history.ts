import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { z } from 'zod';
import { RequestStore } from '../store/request-store.js';

const USAGE =
  'usage: npm run history -- [--distribution NAME] [--person USER_ID] [--limit N]   (reads REDIS_URL and QUEUE_PREFIX)';

const Env = z.object({
  REDIS_URL: z.string().default('redis://127.0.0.1:6379'),
  QUEUE_PREFIX: z.string().default('lightsail-reset'),
});

/** `npm run history`: the audit trail's recent entries as a table, newest first. */
async function history(): Promise<void> {
  const { values } = parseArgs({
    options: {
      distribution: { type: 'string', short: 'd' },
      person: { type: 'string', short: 'p' },
      limit: { type: 'string', short: 'n', default: '50' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const limit = Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1) throw new Error(`--limit must be a whole number\n${USAGE}`);
  const env = Env.parse(process.env);
  const redis = new Redis(env.REDIS_URL, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
  });
  try {
    await redis.connect();
    const entries = (await new RequestStore(redis, env.QUEUE_PREFIX).recentAudit(10_000))
      .filter((e) => !values.distribution || e.distribution === values.distribution)
      .filter((e) => !values.person || e.actor === values.person)
      .slice(0, limit);
    const rows = entries.map((e) => [
      new Date(e.at).toISOString().replace('T', ' ').slice(0, 19),
      e.distribution,
      e.event,
      e.actor,
      e.requestId,
      (e.detail ?? '').replace(/\s+/g, ' ').slice(0, 60),
    ]);
    process.stdout.write(
      `${table(['when (UTC)', 'distribution', 'event', 'who', 'request', 'detail'], rows)}\n`,
    );
    process.stdout.write(`${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}\n`);
  } finally {
    redis.disconnect();
  }
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

history().catch((error: unknown) => {
  process.stderr.write(`history: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
