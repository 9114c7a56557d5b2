import type { Redis } from 'ioredis';
import {
  isTerminal,
  type RequestState,
  type ResetRequest,
  ResetRequestSchema,
  statesLeadingTo,
} from '../domain/reset-request.js';

/** Finished requests are kept this long for the thread, status and audit, then Redis drops them. */
const FINISHED_RETENTION_SECONDS = 30 * 24 * 3600;
const AUDIT_MAX_ENTRIES = 10_000;

// KEYS: request hash, active-set, audit stream. ARGV: id, allowed-from (comma list), to, terminal(0/1),
// retention seconds, audit max, audit fields count, audit fields..., then field/value pairs to set.
const TRANSITION_SCRIPT = `
local state = redis.call('HGET', KEYS[1], 'state')
if not state then return {0} end
local allowed = false
for from in string.gmatch(ARGV[2], '[^,]+') do
  if from == state then allowed = true end
end
if not allowed then return {0, redis.call('HGETALL', KEYS[1])} end
local auditCount = tonumber(ARGV[7])
local fieldsStart = 8 + auditCount
redis.call('HSET', KEYS[1], 'state', ARGV[3])
for i = fieldsStart, #ARGV, 2 do
  redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
end
if ARGV[4] == '1' then
  redis.call('SREM', KEYS[2], ARGV[1])
  redis.call('EXPIRE', KEYS[1], tonumber(ARGV[5]))
end
local audit = {}
for i = 8, fieldsStart - 1 do audit[#audit + 1] = ARGV[i] end
redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[6], '*', unpack(audit))
return {1, redis.call('HGETALL', KEYS[1])}
`;

export interface AuditEvent {
  event: string;
  actor: string;
  detail?: string;
}

export interface AuditEntry extends AuditEvent {
  id: string;
  at: number;
  requestId: string;
  distribution: string;
}

export type TransitionResult =
  | { changed: true; request: ResetRequest }
  | { changed: false; request: ResetRequest | undefined };

type Fields = Partial<Omit<ResetRequest, 'id' | 'state'>>;

/** Request records in Redis: one hash a request, every state change atomic and audited. */
export class RequestStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private requestKey(id: string): string {
    return `${this.prefix}:request:${id}`;
  }

  private get activeKey(): string {
    return `${this.prefix}:requests:active`;
  }

  private get auditKey(): string {
    return `${this.prefix}:audit`;
  }

  async create(request: ResetRequest, audit: AuditEvent): Promise<void> {
    await this.redis
      .multi()
      .hset(this.requestKey(request.id), flatten(request))
      .sadd(this.activeKey, request.id)
      .xadd(this.auditKey, 'MAXLEN', '~', AUDIT_MAX_ENTRIES, '*', ...auditFields(request, audit))
      .exec()
      .then(assertExecOk);
  }

  async get(id: string): Promise<ResetRequest | undefined> {
    const hash = await this.redis.hgetall(this.requestKey(id));
    return Object.keys(hash).length === 0 ? undefined : ResetRequestSchema.parse(hash);
  }

  /** Sets facts that do not move the state (the card's ts, the operation's last status). */
  async annotate(id: string, fields: Fields): Promise<void> {
    const flat = flatten(fields);
    if (Object.keys(flat).length === 0) return;
    // Only annotate a request that exists: HSET on a missing key would create a broken record.
    const exists = await this.redis.exists(this.requestKey(id));
    if (exists) await this.redis.hset(this.requestKey(id), flat);
  }

  /** Moves the request to `to` if its current state allows it; first caller wins. */
  async transition(
    id: string,
    to: RequestState,
    fields: Fields,
    audit: AuditEvent,
  ): Promise<TransitionResult> {
    const current = await this.get(id);
    if (!current) return { changed: false, request: undefined };
    const auditArgs = auditFields(current, audit);
    const setArgs = Object.entries(flatten(fields)).flat();
    const reply = (await this.redis.eval(
      TRANSITION_SCRIPT,
      3,
      this.requestKey(id),
      this.activeKey,
      this.auditKey,
      id,
      statesLeadingTo(to).join(','),
      to,
      isTerminal(to) ? '1' : '0',
      String(FINISHED_RETENTION_SECONDS),
      String(AUDIT_MAX_ENTRIES),
      String(auditArgs.length),
      ...auditArgs,
      ...setArgs,
    )) as [number, string[]?];
    const request = reply[1] ? ResetRequestSchema.parse(pairsToObject(reply[1])) : undefined;
    return reply[0] === 1 && request ? { changed: true, request } : { changed: false, request };
  }

  /**
   * A short exclusive claim on calling ResetDistributionCache for one request, so that a worker which
   * lost its BullMQ lock while alive and the worker that took the job over never both call it.
   */
  async claimResetCall(id: string, holder: string, ttlMs: number): Promise<boolean> {
    const reply = await this.redis.set(`${this.prefix}:reset-claim:${id}`, holder, 'PX', ttlMs, 'NX');
    return reply === 'OK';
  }

  async releaseResetCall(id: string, holder: string): Promise<void> {
    await this.redis.eval(
      "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end",
      1,
      `${this.prefix}:reset-claim:${id}`,
      holder,
    );
  }

  async activeIds(): Promise<string[]> {
    return this.redis.smembers(this.activeKey);
  }

  async recentAudit(count = 100): Promise<AuditEntry[]> {
    const entries = await this.redis.xrevrange(this.auditKey, '+', '-', 'COUNT', count);
    return entries.map(([id, values]) => {
      const o = pairsToObject(values);
      return {
        id,
        at: Number(o.at),
        requestId: o.requestId ?? '',
        distribution: o.distribution ?? '',
        event: o.event ?? '',
        actor: o.actor ?? '',
        ...(o.detail ? { detail: o.detail } : {}),
      };
    });
  }
}

function flatten(fields: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value !== undefined && value !== null) out[key] = String(value);
  }
  return out;
}

function auditFields(request: Pick<ResetRequest, 'id' | 'distributionName'>, audit: AuditEvent): string[] {
  const fields = [
    'at',
    String(Date.now()),
    'requestId',
    request.id,
    'distribution',
    request.distributionName,
    'event',
    audit.event,
    'actor',
    audit.actor,
  ];
  if (audit.detail) fields.push('detail', audit.detail);
  return fields;
}

function pairsToObject(pairs: string[]): Record<string, string> {
  const o: Record<string, string> = {};
  for (let i = 0; i + 1 < pairs.length; i += 2) o[pairs[i] as string] = pairs[i + 1] as string;
  return o;
}

function assertExecOk(results: Array<[Error | null, unknown]> | null): void {
  if (!results) throw new Error('Redis transaction was aborted');
  const failed = results.find(([error]) => error);
  if (failed?.[0]) throw failed[0];
}
