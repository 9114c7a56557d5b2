import { z } from 'zod';
import { MAX_REASON_LENGTH } from './command-text.js';
import { checkDistributionName } from './distribution-name.js';
import { isTerminal, type ResetRequest } from './reset-request.js';

/** The custom step's callback id: the key under `functions` in manifest.yml. */
export const RESET_STEP_CALLBACK_ID = 'reset_lightsail_cache';

/** The step's inputs as Workflow Builder sends them (manifest.yml declares the same names). */
export const StepInputsSchema = z.object({
  distribution_name: z.string(),
  reason: z
    .string()
    .max(MAX_REASON_LENGTH, `Keep the reason under ${MAX_REASON_LENGTH} characters.`)
    .optional(),
  requester: z.string().regex(/^[UW][A-Z0-9]+$/, 'The requester must be a Slack user.'),
  channel: z.string().regex(/^[CGD][A-Z0-9]+$/, 'The channel for the approval card must be a Slack channel.'),
});

export type StepAsk =
  | {
      ok: true;
      distributionName: string;
      requesterId: string;
      channelId: string;
      reason: string | undefined;
    }
  | { ok: false; problem: string };

/** Reads a step's inputs with the same rules as the slash command; says what is wrong, in words. */
export function readStepInputs(inputs: unknown): StepAsk {
  const parsed = StepInputsSchema.safeParse(inputs ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.') || 'inputs';
    return { ok: false, problem: `The step's input ${field} is not usable: ${issue?.message ?? 'invalid'}` };
  }
  const name = checkDistributionName(parsed.data.distribution_name.trim());
  if (!name.ok) return { ok: false, problem: name.problem };
  const reason = parsed.data.reason?.trim();
  return {
    ok: true,
    distributionName: name.name,
    requesterId: parsed.data.requester,
    channelId: parsed.data.channel,
    reason: reason ? reason : undefined,
  };
}

export type StepOutcome =
  | {
      kind: 'success';
      outputs: { request_id: string; status: string; operation_id?: string; duration_seconds?: number };
    }
  | { kind: 'error'; error: string };

/**
 * How a finished request ends its workflow step: Succeeded completes it with outputs for the next step;
 * every other end fails it with a sentence the workflow's user can read. Undefined while it runs.
 */
export function stepOutcome(request: ResetRequest): StepOutcome | undefined {
  if (!isTerminal(request.state)) return undefined;
  const name = request.distributionName;
  switch (request.state) {
    case 'succeeded':
      return {
        kind: 'success',
        outputs: {
          request_id: request.id,
          status: request.state,
          ...(request.operationId ? { operation_id: request.operationId } : {}),
          ...(request.startedAt !== undefined && request.finishedAt !== undefined
            ? { duration_seconds: Math.round((request.finishedAt - request.startedAt) / 1000) }
            : {}),
        },
      };
    case 'failed': {
      const why = [request.errorCode, request.errorDetails].filter(Boolean).join(': ');
      return {
        kind: 'error',
        error: `The cache reset of ${name} failed${why ? ` (${why})` : ''}. Request ${request.id}.`,
      };
    }
    case 'denied':
      return {
        kind: 'error',
        error: `The cache reset of ${name} was denied${request.reason ? `: ${request.reason}` : ''}. Request ${request.id}.`,
      };
    case 'expired':
      return {
        kind: 'error',
        error: `The cache reset of ${name} expired: nobody approved it in time. Request ${request.id}.`,
      };
    default:
      return { kind: 'error', error: `The cache reset of ${name} was cancelled. Request ${request.id}.` };
  }
}
