import type { Job } from 'bullmq';
import { renderApprovalCard } from '../domain/approval-card.js';
import { threadMessages } from '../domain/thread-messages.js';
import type { Logger } from '../observability/logger.js';
import type { SlackMessenger } from '../slack/slack-messenger.js';
import type { RequestStore } from '../store/request-store.js';
import { ExpiryJobDataSchema } from './jobs.js';

export interface ExpiryWorkerDeps {
  store: RequestStore;
  slack: SlackMessenger;
  approverIds: readonly string[];
  approvalTtlMs: number;
  logger: Logger;
}

/** Fires APPROVAL_TTL after the request: a request still pending becomes expired, and the card says so. */
export function createExpiryProcessor(deps: ExpiryWorkerDeps) {
  return async function processExpiryJob(job: Job): Promise<string> {
    const data = ExpiryJobDataSchema.parse(job.data);
    const result = await deps.store.transition(
      data.requestId,
      'expired',
      { decidedAt: Date.now() },
      { event: 'expired', actor: 'bot' },
    );
    const request = result.request;
    // A Slack failure throws, and BullMQ retries: the state is already expired, so only the messages are redone.
    if (request?.state !== 'expired' || !request.cardTs) return request?.state ?? 'missing';
    if (!data.cardUpdated) {
      await deps.slack.updateCard(
        request.channelId,
        request.cardTs,
        renderApprovalCard(request, { approverIds: deps.approverIds }),
      );
      await job.updateData({ ...data, cardUpdated: true });
    }
    await deps.slack.reply(
      request.channelId,
      request.cardTs,
      threadMessages.expired(request, deps.approvalTtlMs),
    );
    deps.logger.info({ requestId: request.id }, 'request expired');
    return 'expired';
  };
}
