import {
  isTerminal,
  type RequestState,
  type ResetRequest,
  ResetRequestSchema,
  statesLeadingTo,
} from '../domain/reset-request.js';
import type { RedisConnection as Redis } from './redis-connection.js';

/** Finished requests are kept this long for the thread, status and audit, then Redis drops them. */
const FINISHED_RETENTION_SECONDS = 30 * 24 * 3600;
const AUDIT_MAX_ENTRIES = 10_000;
/** A safety net only: the open-request marker of a distribution is removed when its request ends. */
const OPEN_MARKER_MAX_MS = 3 * 24 * 3600 * 1000;
/** Open requests whose states one script call reads (activeIdsIn). */
const STATE_READ_BATCH = 500;

// KEYS: request hash, active set, audit stream, distribution's open marker, open workflow steps set.
// ARGV: id, marker ttl ms, audit field count, audit fields..., field/value pairs of the request.
const CREATE_SCRIPT = `
local holder = redis.call('GET', KEYS[4])
if holder then return {0, holder} end
local auditCount = tonumber(ARGV[3])
local fieldsStart = 4 + auditCount
local fields = {}
for i = fieldsStart, #ARGV do fields[#fields + 1] = ARGV[i] end
redis.call('HSET', KEYS[1], unpack(fields))
redis.call('SADD', KEYS[2], ARGV[1])
redis.call('SET', KEYS[4], ARGV[1], 'PX', tonumber(ARGV[2]))
if redis.call('HEXISTS', KEYS[1], 'workflowExecutionId') == 1 then redis.call('SADD', KEYS[5], ARGV[1]) end
local audit = {}
for i = 4, fieldsStart - 1 do audit[#audit + 1] = ARGV[i] end
redis.call('XADD', KEYS[3], 'MAXLEN', '~', ${AUDIT_MAX_ENTRIES}, '*', unpack(audit))
return {1, ARGV[1]}
`;

// KEYS: request hash, active set, audit stream, distribution's open marker, distribution's last success.
// ARGV: id, allowed-from (comma list), to, terminal(0/1), retention seconds, now, audit count, audit..., pairs...
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
  if redis.call('GET', KEYS[4]) == ARGV[1] then redis.call('DEL', KEYS[4]) end
end
if ARGV[3] == 'succeeded' then redis.call('SET', KEYS[5], ARGV[6]) end
local audit = {}
for i = 8, fieldsStart - 1 do audit[#audit + 1] = ARGV[i] end
redis.call('XADD', KEYS[3], 'MAXLEN', '~', ${AUDIT_MAX_ENTRIES}, '*', unpack(audit))
return {1, redis.call('HGETALL', KEYS[1])}
`;

// KEYS: request hash. ARGV: field/value pairs. Sets them only on a request that exists.
const ANNOTATE_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV))
return 1
`;

// KEYS: request hash, audit stream. ARGV: user, now, approval audit count, its fields..., approved audit count, its fields...
// Replies 0 not pending, 2 this user already approved, 1 approval counted, 3 approval completed the quorum.
const APPROVE_SCRIPT = `
local state = redis.call('HGET', KEYS[1], 'state')
if not state then return {0} end
if state ~= 'pending' then return {0, redis.call('HGETALL', KEYS[1])} end
local approvals = redis.call('HGET', KEYS[1], 'approvals') or ''
for who in string.gmatch(approvals, '[^,]+') do
  if who == ARGV[1] then return {2, redis.call('HGETALL', KEYS[1])} end
end
if approvals == '' then approvals = ARGV[1] else approvals = approvals .. ',' .. ARGV[1] end
redis.call('HSET', KEYS[1], 'approvals', approvals)
local count = 0
for _ in string.gmatch(approvals, '[^,]+') do count = count + 1 end
local required = tonumber(redis.call('HGET', KEYS[1], 'approvalsRequired') or '1')
local firstEnd = 3 + tonumber(ARGV[3])
local audit = {}
for i = 4, firstEnd do audit[#audit + 1] = ARGV[i] end
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ${AUDIT_MAX_ENTRIES}, '*', unpack(audit))
if count >= required then
  local approvedAudit = {}
  for i = firstEnd + 2, firstEnd + 1 + tonumber(ARGV[firstEnd + 1]) do approvedAudit[#approvedAudit + 1] = ARGV[i] end
  redis.call('XADD', KEYS[2], 'MAXLEN', '~', ${AUDIT_MAX_ENTRIES}, '*', unpack(approvedAudit))
  redis.call('HSET', KEYS[1], 'state', 'approved', 'decidedBy', ARGV[1], 'decidedAt', ARGV[2])
  return {3, redis.call('HGETALL', KEYS[1])}
end
return {1, redis.call('HGETALL', KEYS[1])}
`;

// KEYS: request hashes. ARGV: states. Replies the (1-based) positions of the keys whose state is one of them.
const STATES_SCRIPT = `
local wanted = {}
for _, state in ipairs(ARGV) do wanted[state] = true end
local matches = {}
for i, key in ipairs(KEYS) do
  local state = redis.call('HGET', key, 'state')
  if state and wanted[state] then matches[#matches + 1] = i end
end
return matches
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

export type ApprovalResult =
  | { outcome: 'approved' | 'counted' | 'already-approved-by-you'; request: ResetRequest }
  | { outcome: 'not-pending'; request: ResetRequest | undefined };

export type CreateResult = { created: true } | { created: false; openRequestId: string };

type Fields = Partial<Omit<ResetRequest, 'id' | 'state'>>;

/** Told of every audited event as it is recorded: main logs it and posts it to the audit channel. */
export type AuditListener = (entry: Omit<AuditEntry, 'id'>, request: ResetRequest) => void;

/**
 * Request records in Redis: one hash a request, every state change atomic and audited, at most one
 * open request a distribution.
 */
export class RequestStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly onAudit: AuditListener = () => {},
  ) {}

  private requestKey(id: string): string {
    return `${this.prefix}:request:${id}`;
  }

  private distributionKey(name: string, what: 'open' | 'last-success'): string {
    return `${this.prefix}:distribution:${name}:${what}`;
  }

  private get activeKey(): string {
    return `${this.prefix}:requests:active`;
  }

  private get auditKey(): string {
    return `${this.prefix}:audit`;
  }

  private get openStepsKey(): string {
    return `${this.prefix}:workflow-steps:open`;
  }

  /**
   * True the first time a Workflow Builder step execution is seen: one execution asks for one reset,
   * even if Slack delivers its event twice.
   */
  async firstStepExecution(executionId: string): Promise<boolean> {
    const key = `${this.prefix}:workflow-step:${executionId}`;
    return (await this.redis.set(key, '1', 'EX', FINISHED_RETENTION_SECONDS, 'NX')) === 'OK';
  }

  /** Requests made by a workflow step whose step has not been completed yet. */
  async openStepRequestIds(): Promise<string[]> {
    return this.redis.smembers(this.openStepsKey);
  }

  /** A short exclusive claim on completing one request's workflow step, so two processes never both do. */
  async claimStepCompletion(id: string, holder: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.set(`${this.prefix}:step-claim:${id}`, holder, 'PX', ttlMs, 'NX')) === 'OK';
  }

  async releaseStepCompletion(id: string): Promise<void> {
    await this.redis.del(`${this.prefix}:step-claim:${id}`);
  }

  /** The step of this request is completed (or can no longer be): record it and stop looking at it. */
  async stepCompleted(id: string, at: number): Promise<void> {
    await this.redis.eval(
      `if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('HSET', KEYS[1], 'stepCompletedAt', ARGV[1]) end
       redis.call('SREM', KEYS[2], ARGV[2])
       return 1`,
      2,
      this.requestKey(id),
      this.openStepsKey,
      String(at),
      id,
    );
  }

  /** Records a new request, unless the distribution already has an open one (then says which). */
  async create(request: ResetRequest, audit: AuditEvent): Promise<CreateResult> {
    const auditArgs = auditFields(request, audit);
    const reply = (await this.redis.eval(
      CREATE_SCRIPT,
      5,
      this.requestKey(request.id),
      this.activeKey,
      this.auditKey,
      this.distributionKey(request.distributionName, 'open'),
      this.openStepsKey,
      request.id,
      String(OPEN_MARKER_MAX_MS),
      String(auditArgs.length),
      ...auditArgs,
      ...Object.entries(flatten(request)).flat(),
    )) as [number, string];
    if (reply[0] !== 1) return { created: false, openRequestId: reply[1] };
    this.notify(request, audit);
    return { created: true };
  }

  async get(id: string): Promise<ResetRequest | undefined> {
    const hash = await this.redis.hgetall(this.requestKey(id));
    return Object.keys(hash).length === 0 ? undefined : ResetRequestSchema.parse(hash);
  }

  /** Sets facts that do not move the state (the card's ts, the operation's last status). */
  async annotate(id: string, fields: Fields): Promise<void> {
    const pairs = Object.entries(flatten(fields)).flat();
    if (pairs.length === 0) return;
    // Only annotate a request that exists: HSET on a missing key would create a broken record.
    await this.redis.eval(ANNOTATE_SCRIPT, 1, this.requestKey(id), ...pairs);
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
    return this.transitionFrom(current, to, fields, audit);
  }

  /**
   * `transition` for a caller that has just read the request: skips reading it again. The state check
   * still happens in Redis, atomically; only the id and distribution name of `current` are used.
   */
  async transitionFrom(
    current: Pick<ResetRequest, 'id' | 'distributionName'>,
    to: RequestState,
    fields: Fields,
    audit: AuditEvent,
  ): Promise<TransitionResult> {
    const id = current.id;
    const auditArgs = auditFields(current, audit);
    const now = Date.now();
    const reply = (await this.redis.eval(
      TRANSITION_SCRIPT,
      5,
      this.requestKey(id),
      this.activeKey,
      this.auditKey,
      this.distributionKey(current.distributionName, 'open'),
      this.distributionKey(current.distributionName, 'last-success'),
      id,
      statesLeadingTo(to).join(','),
      to,
      isTerminal(to) ? '1' : '0',
      String(FINISHED_RETENTION_SECONDS),
      String(now),
      String(auditArgs.length),
      ...auditArgs,
      ...Object.entries(flatten(fields)).flat(),
    )) as [number, string[]?];
    const request = reply[1] ? ResetRequestSchema.parse(pairsToObject(reply[1])) : undefined;
    if (reply[0] === 1 && request) {
      this.notify(request, audit);
      return { changed: true, request };
    }
    return { changed: false, request };
  }

  /** Adds one person's approval; the approval that completes the quorum also moves the request to approved. */
  async approve(id: string, userId: string): Promise<ApprovalResult> {
    const current = await this.get(id);
    if (!current) return { outcome: 'not-pending', request: undefined };
    const audit: AuditEvent = { event: 'approval', actor: userId };
    const auditArgs = auditFields(current, audit);
    const approvedArgs = auditFields(current, { event: 'approved', actor: userId });
    const reply = (await this.redis.eval(
      APPROVE_SCRIPT,
      2,
      this.requestKey(id),
      this.auditKey,
      userId,
      String(Date.now()),
      String(auditArgs.length),
      ...auditArgs,
      String(approvedArgs.length),
      ...approvedArgs,
    )) as [number, string[]?];
    const request = reply[1] ? ResetRequestSchema.parse(pairsToObject(reply[1])) : undefined;
    if (!request || reply[0] === 0) return { outcome: 'not-pending', request };
    if (reply[0] === 2) return { outcome: 'already-approved-by-you', request };
    this.notify(request, audit);
    if (reply[0] === 3) {
      this.notify(request, { event: 'approved', actor: userId });
      return { outcome: 'approved', request };
    }
    return { outcome: 'counted', request };
  }

  /** When the distribution last reset successfully through the bot (epoch ms). */
  async lastSuccessAt(distributionName: string): Promise<number | undefined> {
    const value = await this.redis.get(this.distributionKey(distributionName, 'last-success'));
    return value === null ? undefined : Number(value);
  }

  /** The open (pending, approved or running) request of a distribution, if any. */
  async openRequestId(distributionName: string): Promise<string | undefined> {
    return (await this.redis.get(this.distributionKey(distributionName, 'open'))) ?? undefined;
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

  /** True the first time a Slack delivery id is seen in `ttlSeconds`; false for a replay. */
  async firstDelivery(deliveryId: string, ttlSeconds = 15 * 60): Promise<boolean> {
    const reply = await this.redis.set(`${this.prefix}:delivery:${deliveryId}`, '1', 'EX', ttlSeconds, 'NX');
    return reply === 'OK';
  }

  /**
   * Reserves the next send time in a channel's schedule, `spacingMs` after the previous reservation
   * (or now): a shared pace for every worker posting in that channel.
   */
  async reserveChannelSlot(channel: string, now: number, spacingMs: number): Promise<number> {
    const at = await this.redis.eval(
      `local last = tonumber(redis.call('GET', KEYS[1]) or '0')
       local at = math.max(tonumber(ARGV[1]), last + tonumber(ARGV[2]))
       redis.call('SET', KEYS[1], at, 'PX', at - tonumber(ARGV[1]) + tonumber(ARGV[2]) * 10)
       return at`,
      1,
      `${this.prefix}:channel-pace:${channel}`,
      String(now),
      String(spacingMs),
    );
    return Number(at);
  }

  /**
   * Claims the channel for a post about to be sent now, if the last post sent there (by any process) was
   * at least `minGapMs` ago: returns `now` when granted, else the time to try again. A reserved slot
   * says when to aim; this holds whatever woke late, since a post sent late to its slot would otherwise
   * crowd the next one, sent on time to its own.
   */
  async claimChannelSend(channel: string, now: number, minGapMs: number): Promise<number> {
    const at = await this.redis.eval(
      `local last = tonumber(redis.call('GET', KEYS[1]) or '0')
       local now = tonumber(ARGV[1])
       local gap = tonumber(ARGV[2])
       if now < last + gap then return last + gap end
       redis.call('SET', KEYS[1], now, 'PX', gap * 10)
       return now`,
      1,
      `${this.prefix}:channel-sent:${channel}`,
      String(now),
      String(minGapMs),
    );
    return Number(at);
  }

  async activeIds(): Promise<string[]> {
    return this.redis.smembers(this.activeKey);
  }

  /**
   * The open requests now in one of `states`: only their state fields are read, in batches by a script,
   * so that looking for the few approved ones among many pending ones stays cheap for both sides.
   */
  async activeIdsIn(states: readonly RequestState[]): Promise<string[]> {
    const ids = await this.activeIds();
    const found: string[] = [];
    for (let start = 0; start < ids.length; start += STATE_READ_BATCH) {
      const batch = ids.slice(start, start + STATE_READ_BATCH);
      const matches = (await this.redis.eval(
        STATES_SCRIPT,
        batch.length,
        ...batch.map((id) => this.requestKey(id)),
        ...states,
      )) as number[];
      for (const index of matches) {
        const id = batch[index - 1];
        if (id !== undefined) found.push(id);
      }
    }
    return found;
  }

  /** Records an event that moves no state (a reminder sent, a Slack message given up). */
  async audit(request: ResetRequest, audit: AuditEvent): Promise<void> {
    await this.redis.xadd(
      this.auditKey,
      'MAXLEN',
      '~',
      AUDIT_MAX_ENTRIES,
      '*',
      ...auditFields(request, audit),
    );
    this.notify(request, audit);
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

  private notify(request: ResetRequest, audit: AuditEvent): void {
    try {
      this.onAudit(
        {
          at: Date.now(),
          requestId: request.id,
          distribution: request.distributionName,
          ...audit,
        },
        request,
      );
    } catch {
      // a listener's failure must never undo or block a recorded transition
    }
  }
}

function flatten(fields: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined || value === null) continue;
    out[key] = Array.isArray(value) ? value.join(',') : String(value);
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
