import type { Job } from 'bullmq';
import { formatDuration } from '../domain/duration.js';
import { answerCommand } from '../flow/answer-command.js';
import type { FlowDeps } from '../flow/flow-deps.js';
import { onceOnly } from '../slack/guards/delivery-guards.js';
import { type Respond, responseUrlResponder } from '../slack/response-url.js';
import { ASK_MAX_AGE_MS, AskJobDataSchema } from './jobs.js';

export interface IntakeWorkerDeps extends FlowDeps {
  /** How an answer reaches the person: the command's response_url unless a test says otherwise. */
  responderFor?: (responseUrl: string) => Respond;
}

/**
 * Slash commands the web side acked and queued: a worker does the slow part (Lightsail lookups, the
 * policy, the record, the card) and answers through the command's response_url, so the web side only
 * ever acks and queues.
 */
export function createIntakeProcessor(deps: IntakeWorkerDeps) {
  const responderFor = deps.responderFor ?? ((url: string) => responseUrlResponder(url));
  return async function processAsk(job: Job): Promise<string> {
    const parsed = AskJobDataSchema.safeParse(job.data);
    if (!parsed.success) {
      // Not ours to guess at: it did not come from our web side as it is today. Dropped, and said so.
      deps.logger.error({ jobId: job.id, issues: parsed.error.issues.length }, 'dropped a malformed ask');
      return 'malformed';
    }
    const ask = parsed.data;
    const respond = responderFor(ask.responseUrl);
    const waited = Date.now() - ask.askedAt;
    if (waited > ASK_MAX_AGE_MS) {
      deps.logger.warn({ user: ask.userId, waitedMs: waited }, 'declined an ask nobody answered in time');
      deps.metrics?.requests.inc({ outcome: 'error' });
      await respond({
        text: `:hourglass: I couldn't get to your \`/lightsail-reset\` from ${formatDuration(waited)} ago in time, so nothing was requested. Please ask again.`,
      });
      return 'too-late';
    }
    if (!(await onceOnly((id) => deps.store.firstDelivery(id), ask.deliveryId, deps.logger))) {
      return 'replayed';
    }
    await answerCommand(deps, ask, respond);
    return 'answered';
  };
}
