import { z } from 'zod';
import { REQUEST_ID } from '../domain/reset-request.js';

/** Queue names and payloads, shared by the producer (web) and the consumers (worker). */
export const QUEUES = { reset: 'reset', expiry: 'expiry', intake: 'intake' } as const;
/**
 * Job names: the expiry queue carries both the expiry and the optional reminder of a request; the
 * intake queue carries acked slash commands, answered by a worker.
 */
export const JOBS = { reset: 'reset', expire: 'expire', remind: 'remind', ask: 'ask' } as const;

const OutboxItemSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('reply'), text: z.string() }),
  z.object({ kind: z.literal('card') }),
]);
export type OutboxItem = z.infer<typeof OutboxItemSchema>;

export const ResetJobDataSchema = z.object({
  requestId: z.string().regex(REQUEST_ID),
  phase: z.enum(['reset', 'poll', 'report']).default('reset'),
  // Set just before ResetDistributionCache leaves: a retry that finds it set checks for that reset first.
  resetCalledAt: z.number().int().optional(),
  operationId: z.string().optional(),
  // A reset found through GetDistributionLatestCacheReset (after a crash) has no operation id to poll.
  adoptedResetAt: z.number().optional(),
  lastStatus: z.string().optional(),
  // The request's startedAt, so that a poll which finds nothing new need not read the request, and
  // the poll schedule (a function of how long the operation has run).
  runningSince: z.number().optional(),
  lightsailFailures: z.number().int().nonnegative().default(0),
  slackFailures: z.number().int().nonnegative().default(0),
  // A send time reserved in the channel's schedule, used when the job wakes up for it.
  channelSlotAt: z.number().optional(),
  outbox: z.array(OutboxItemSchema).default([]),
});
export type ResetJobData = z.infer<typeof ResetJobDataSchema>;

export const ExpiryJobDataSchema = z.object({
  requestId: z.string().regex(REQUEST_ID),
  cardUpdated: z.boolean().default(false),
});
export type ExpiryJobData = z.infer<typeof ExpiryJobDataSchema>;

/**
 * A slash command the web side acked, for a worker to answer: the text is parsed again there (the same
 * parser), and the answer goes to the command's response_url.
 */
export const AskJobDataSchema = z.object({
  text: z.string().max(4000),
  userId: z.string().min(1).max(40),
  channelId: z.string().min(1).max(40),
  responseUrl: z.url({ protocol: /^https?$/ }).max(2000),
  askedAt: z.number().int().nonnegative(),
  // The command's trigger id: a replayed or redelivered command carries the same one and is dropped.
  deliveryId: z.string().min(1).max(200).optional(),
});
export type AskJobData = z.infer<typeof AskJobDataSchema>;

/**
 * An ask not answered within this time (no worker was running) is declined rather than acted on late:
 * the person has moved on, and Slack's response_url only lasts 30 minutes.
 */
export const ASK_MAX_AGE_MS = 10 * 60_000;

export const ASK_JOB_OPTIONS = {
  // Never run twice on purpose: an ask that failed half-way may have posted its card.
  attempts: 1,
  removeOnComplete: true,
  removeOnFail: { age: 7 * 24 * 3600 },
} as const;

export function expiryJobId(requestId: string): string {
  return `expire-${requestId}`;
}

export function reminderJobId(requestId: string): string {
  return `remind-${requestId}`;
}

export const RESET_JOB_OPTIONS = {
  // Unexpected errors (Redis blips, bugs) retry the current step; Lightsail and Slack retries are counted in data.
  attempts: 8,
  backoff: { type: 'exponential', delay: 2000 },
  // Kept for a week so that a second add with the same jobId stays a no-op.
  removeOnComplete: { age: 7 * 24 * 3600 },
  removeOnFail: { age: 30 * 24 * 3600 },
} as const;

export const EXPIRY_JOB_OPTIONS = {
  attempts: 10,
  backoff: { type: 'exponential', delay: 5000 },
  removeOnComplete: { age: 24 * 3600 },
  removeOnFail: { age: 30 * 24 * 3600 },
} as const;
