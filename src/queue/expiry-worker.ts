import type { Job } from 'bullmq';
import { renderApprovalCard } from '../domain/approval-card.js';
import { threadMessages } from '../domain/thread-messages.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { SlackMessenger } from '../slack/slack-messenger.js';
import type { RequestStore } from '../store/request-store.js';
import { ExpiryJobDataSchema, JOBS } from './jobs.js';

export interface ExpiryWorkerDeps {
  store: RequestStore;
  slack: SlackMessenger;
  logger: Logger;
  metrics?: Metrics;
}

/**
 * Delayed jobs of a pending request: the reminder (REMIND_AFTER) nudges the approvers once in the
 * thread; the expiry (APPROVAL_TTL) turns a request nobody decided into `expired` and says so.
 */
export function createExpiryProcessor(deps: ExpiryWorkerDeps) {
  return async function processExpiryJob(job: Job): Promise<string> {
    const data = ExpiryJobDataSchema.parse(job.data);
    if (job.name === JOBS.remind) {
      const request = await deps.store.get(data.requestId);
      if (request?.state !== 'pending' || !request.cardTs) return 'not-needed';
      await deps.slack.reply(request.channelId, request.cardTs, threadMessages.reminder(request), deps.store);
      await deps.store.audit(request, { event: 'reminded', actor: 'bot' });
      return 'reminded';
    }

    const result = await deps.store.transition(
      data.requestId,
      'expired',
      { decidedAt: Date.now() },
      { event: 'expired', actor: 'bot' },
    );
    const request = result.request;
    if (result.changed) {
      deps.metrics?.decisionSeconds.observe(
        { decision: 'expired' },
        (Date.now() - result.request.createdAt) / 1000,
      );
    }
    // A Slack failure throws, and BullMQ retries: the state is already expired, so only the messages are redone.
    if (request?.state !== 'expired' || !request.cardTs) return request?.state ?? 'missing';
    if (!data.cardUpdated) {
      await deps.slack.updateCard(request.channelId, request.cardTs, renderApprovalCard(request));
      await job.updateData({ ...data, cardUpdated: true });
    }
    await deps.slack.reply(request.channelId, request.cardTs, threadMessages.expired(request), deps.store);
    deps.logger.info({ requestId: request.id }, 'request expired');
    return 'expired';
  };
}
