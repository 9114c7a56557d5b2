import { z } from 'zod';

export const REQUEST_STATES = [
  'pending',
  'approved',
  'running',
  'succeeded',
  'failed',
  'denied',
  'expired',
  'cancelled',
] as const;
export type RequestState = (typeof REQUEST_STATES)[number];

/** Every allowed move of a request; anything else is refused by the store. */
export const TRANSITIONS: Readonly<Record<RequestState, readonly RequestState[]>> = {
  pending: ['approved', 'denied', 'expired', 'cancelled'],
  approved: ['running', 'failed'],
  running: ['succeeded', 'failed'],
  succeeded: [],
  failed: [],
  denied: [],
  expired: [],
  cancelled: [],
};

export function canTransition(from: RequestState, to: RequestState): boolean {
  return TRANSITIONS[from].includes(to);
}

export function isTerminal(state: RequestState): boolean {
  return TRANSITIONS[state].length === 0;
}

/** The states from which `to` can be reached: what an atomic transition must find. */
export function statesLeadingTo(to: RequestState): RequestState[] {
  return REQUEST_STATES.filter((from) => canTransition(from, to));
}

const optionalText = z.string().optional();
const optionalTime = z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().int().optional());

const idList = z.preprocess(
  (v) => (typeof v === 'string' ? v.split(',').filter((id) => id.length > 0) : v),
  z.array(z.string()).default([]),
);
const flag = z.preprocess((v) => v === true || v === 'true' || v === '1', z.boolean()).default(false);

/** A request as stored: every field of the Redis hash is a string, so numbers and lists are parsed back. */
export const ResetRequestSchema = z.object({
  id: z.string().min(1),
  state: z.enum(REQUEST_STATES),
  distributionName: z.string().min(1),
  domainName: optionalText,
  requesterId: z.string().min(1),
  channelId: z.string().min(1),
  cardTs: optionalText,
  createdAt: z.coerce.number().int(),
  expiresAt: z.coerce.number().int(),
  decidedBy: optionalText,
  decidedAt: optionalTime,
  operationId: optionalText,
  operationStatus: optionalText,
  startedAt: optionalTime,
  finishedAt: optionalTime,
  errorCode: optionalText,
  errorDetails: optionalText,
  /** The policy rule that applied when the request was made, and what it asked for. */
  ruleName: z.string().default('default'),
  approvalsRequired: z.coerce.number().int().min(1).default(1),
  approverUsers: idList,
  approverGroups: idList,
  /** Distinct people who approved so far, in order. */
  approvals: idList,
  breakGlass: flag,
  /** What the card shows of the distribution, as Lightsail described it when the request was made. */
  alternativeDomains: idList,
  originName: optionalText,
  distributionStatus: optionalText,
  lastResetAt: optionalTime,
  /** The break-glass reason, or the reason given with a denial. */
  reason: optionalText,
  /** Why the requester wants the reset (a Workflow Builder step's `reason` input). */
  purpose: optionalText,
  /** Set when a Workflow Builder step asked: the execution to complete when the request ends. */
  workflowExecutionId: optionalText,
  /** When that step was completed (or found already ended): it is never completed twice. */
  stepCompletedAt: optionalTime,
});
export type ResetRequest = z.infer<typeof ResetRequestSchema>;

/** Request ids become BullMQ job ids: no `:` and never a bare integer. */
export const REQUEST_ID = /^r[0-9a-z]{8,40}$/;

export function newRequestId(now: number = Date.now(), random: () => number = Math.random): string {
  const entropy = Array.from({ length: 8 }, () => Math.floor(random() * 36).toString(36)).join('');
  return `r${now.toString(36)}${entropy}`;
}
