import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canTransition,
  isTerminal,
  newRequestId,
  REQUEST_ID,
  REQUEST_STATES,
  type RequestState,
  type ResetRequest,
  ResetRequestSchema,
  statesLeadingTo,
  TRANSITIONS,
} from '../../src/domain/reset-request.js';
import { aRequest } from '../support/requests.js';

/** A request as the store writes it to a Redis hash: strings only, lists comma-separated, no undefined. */
function asRedisHash(request: ResetRequest): Record<string, string> {
  const hash: Record<string, string> = {};
  for (const [key, value] of Object.entries(request)) {
    if (value === undefined) continue;
    hash[key] = Array.isArray(value) ? value.join(',') : String(value);
  }
  return hash;
}

// DESIGN.md: pending -> approved -> running -> succeeded | failed; pending -> denied | expired | cancelled;
// approved -> failed covers a reset that could not start.
const DESIGNED_MOVES = new Set([
  'pending->approved',
  'pending->denied',
  'pending->expired',
  'pending->cancelled',
  'approved->running',
  'approved->failed',
  'running->succeeded',
  'running->failed',
]);

const everyPair = REQUEST_STATES.flatMap((from) =>
  REQUEST_STATES.map((to) => ({
    from,
    to,
    verdict: DESIGNED_MOVES.has(`${from}->${to}`) ? 'allowed' : 'refused',
  })),
);

describe('request state machine', () => {
  it('knows exactly the eight states of DESIGN.md', () => {
    expect([...REQUEST_STATES].sort()).toEqual(
      ['approved', 'cancelled', 'denied', 'expired', 'failed', 'pending', 'running', 'succeeded'].sort(),
    );
  });

  it.each(everyPair)('$from -> $to is $verdict', ({ from, to, verdict }) => {
    expect(canTransition(from, to)).toBe(verdict === 'allowed');
    expect(TRANSITIONS[from].includes(to)).toBe(verdict === 'allowed');
  });

  it.each([
    ['pending', false],
    ['approved', false],
    ['running', false],
    ['succeeded', true],
    ['failed', true],
    ['denied', true],
    ['expired', true],
    ['cancelled', true],
  ] as const)('says whether %s is terminal: %s', (state, terminal) => {
    expect(isTerminal(state)).toBe(terminal);
  });

  it.each([
    ['pending', []],
    ['approved', ['pending']],
    ['running', ['approved']],
    ['succeeded', ['running']],
    ['failed', ['approved', 'running']],
    ['denied', ['pending']],
    ['expired', ['pending']],
    ['cancelled', ['pending']],
  ] as const)('finds %s reachable only from %j', (to, from) => {
    expect([...statesLeadingTo(to)].sort()).toEqual([...from].sort());
  });

  it('reaches every state from pending and ends every path in a terminal state', () => {
    const seen = new Set<RequestState>(['pending']);
    const queue: RequestState[] = ['pending'];
    for (let state = queue.shift(); state !== undefined; state = queue.shift()) {
      for (const next of TRANSITIONS[state]) {
        expect(next).not.toBe(state);
        if (!seen.has(next)) {
          seen.add(next);
          queue.push(next);
        }
      }
    }
    expect([...seen].sort()).toEqual([...REQUEST_STATES].sort());
  });

  it('never leads back to pending', () => {
    expect(statesLeadingTo('pending')).toEqual([]);
  });
});

describe('ResetRequestSchema', () => {
  const storedHash: Record<string, string> = {
    id: 'rm5x1abcd0000',
    state: 'running',
    distributionName: 'web-prod',
    domainName: 'd111111abcdef8.cloudfront.net',
    requesterId: 'UREQ1',
    channelId: 'COPS1',
    cardTs: '1700000000.000100',
    createdAt: '1700000000000',
    expiresAt: '1700001800000',
    decidedBy: 'UAPP1',
    decidedAt: '1700000060000',
    operationId: 'op-1234',
    operationStatus: 'Started',
    startedAt: '1700000061000',
    finishedAt: '1700000186000',
    errorCode: 'E1',
    errorDetails: 'details',
    ruleName: 'web-prod*',
    approvalsRequired: '2',
    approverUsers: 'UAPP1,UAPP2',
    approverGroups: 'SOPS1',
    approvals: 'UAPP1,UAPP2',
    breakGlass: 'false',
    reason: 'checked twice',
  };

  it('reads a Redis hash of strings, turning times, counts, lists and flags back', () => {
    expect(ResetRequestSchema.parse(storedHash)).toEqual({
      ...storedHash,
      alternativeDomains: [],
      createdAt: 1_700_000_000_000,
      expiresAt: 1_700_001_800_000,
      decidedAt: 1_700_000_060_000,
      startedAt: 1_700_000_061_000,
      finishedAt: 1_700_000_186_000,
      approvalsRequired: 2,
      approverUsers: ['UAPP1', 'UAPP2'],
      approverGroups: ['SOPS1'],
      approvals: ['UAPP1', 'UAPP2'],
      breakGlass: false,
    });
  });

  it.each([
    ['', []],
    ['U1AA', ['U1AA']],
    ['U1AA,U2BB,W3CC', ['U1AA', 'U2BB', 'W3CC']],
    [',U1AA,,', ['U1AA']],
  ])('reads the approvals %j as %j', (stored, approvals) => {
    expect(ResetRequestSchema.parse({ ...storedHash, approvals: stored }).approvals).toEqual(approvals);
  });

  it.each([
    ['true', true],
    ['false', false],
    ['', false],
  ])('reads breakGlass %j as %s', (stored, breakGlass) => {
    expect(ResetRequestSchema.parse({ ...storedHash, breakGlass: stored }).breakGlass).toBe(breakGlass);
  });

  it('reads back every request the store writes', () => {
    const id = fc.stringMatching(/^[UWS][A-Z0-9]{2,10}$/);
    fc.assert(
      fc.property(
        fc.constantFrom(...REQUEST_STATES),
        fc.integer({ min: 1, max: 10 }),
        fc.array(id, { maxLength: 5 }),
        fc.array(id, { maxLength: 3 }),
        fc.array(id, { maxLength: 5 }),
        fc.boolean(),
        fc.option(fc.string({ unit: 'grapheme' }), { nil: undefined }),
        (state, approvalsRequired, approverUsers, approverGroups, approvals, breakGlass, reason) => {
          const request = aRequest({
            state,
            approvalsRequired,
            approverUsers,
            approverGroups,
            approvals,
            breakGlass,
            reason,
            ruleName: 'docs, docs_?',
            createdAt: 1_700_000_000_000,
          });
          expect(ResetRequestSchema.parse(asRedisHash(request))).toEqual(request);
        },
      ),
    );
  });

  it('keeps cardTs as text so the Slack timestamp is not rounded', () => {
    expect(ResetRequestSchema.parse(storedHash).cardTs).toBe('1700000000.000100');
  });

  it('leaves the optional fields undefined when the hash lacks them', () => {
    const { id, distributionName, requesterId, channelId, createdAt, expiresAt } = storedHash;
    const parsed = ResetRequestSchema.parse({
      id,
      state: 'pending',
      distributionName,
      requesterId,
      channelId,
      createdAt,
      expiresAt,
    });
    expect(parsed.decidedAt).toBeUndefined();
    expect(parsed.startedAt).toBeUndefined();
    expect(parsed.operationId).toBeUndefined();
    expect(parsed.createdAt).toBe(1_700_000_000_000);
  });

  it('reads a hash written before approval policies as a one-approval request under the default rule', () => {
    const { id, distributionName, requesterId, channelId, createdAt, expiresAt } = storedHash;
    const parsed = ResetRequestSchema.parse({
      id,
      state: 'pending',
      distributionName,
      requesterId,
      channelId,
      createdAt,
      expiresAt,
    });
    expect(parsed).toMatchObject({
      ruleName: 'default',
      approvalsRequired: 1,
      approverUsers: [],
      approverGroups: [],
      approvals: [],
      breakGlass: false,
    });
    expect(parsed.reason).toBeUndefined();
  });

  it.each([
    ['an unknown state', { state: 'done' }],
    ['a time that is not a number', { createdAt: 'soon' }],
    ['a fractional time', { expiresAt: '1700001800000.5' }],
    ['an optional time that is not a number', { startedAt: 'later' }],
    ['an empty id', { id: '' }],
    ['an empty distribution name', { distributionName: '' }],
    ['a missing requester', { requesterId: undefined }],
    ['a missing channel', { channelId: undefined }],
    ['zero approvals required', { approvalsRequired: '0' }],
    ['a quorum that is not a number', { approvalsRequired: 'two' }],
  ])('refuses a hash with %s', (_what, change) => {
    expect(ResetRequestSchema.safeParse({ ...storedHash, ...change }).success).toBe(false);
  });
});

describe('newRequestId', () => {
  it('builds ids from the time and eight random base-36 digits', () => {
    expect(newRequestId(0, () => 0)).toBe('r000000000');
    expect(newRequestId(36, () => 0.999_999)).toBe('r10zzzzzzzz');
  });

  it('makes ids that match REQUEST_ID, are never a bare integer and never contain a colon', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 8_640_000_000_000_000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (now, r) => {
          const id = newRequestId(now, () => r);
          expect(id).toMatch(REQUEST_ID);
          expect(id).not.toMatch(/^\d+$/);
          expect(id).not.toContain(':');
        },
      ),
    );
  });

  it('makes 10,000 distinct ids within one millisecond', () => {
    const now = Date.UTC(2025, 0, 15, 9, 30);
    const ids = Array.from({ length: 10_000 }, () => newRequestId(now));
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(REQUEST_ID);
  });

  it('makes distinct ids with the default clock', () => {
    const ids = Array.from({ length: 10_000 }, () => newRequestId());
    expect(new Set(ids).size).toBe(10_000);
  });
});

describe('REQUEST_ID', () => {
  it.each(['12345678901', 'r123:4567890', 'rABCDEFGH12', 'r1234567', 'x123456789', ''])(
    'refuses %j as a request id',
    (id) => {
      expect(REQUEST_ID.test(id)).toBe(false);
    },
  );
});
