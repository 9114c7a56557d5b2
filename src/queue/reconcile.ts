import type { Queue } from 'bullmq';
import { renderApprovalCard } from '../domain/approval-card.js';
import { threadMessages } from '../domain/thread-messages.js';
import type { Logger } from '../observability/logger.js';
import type { SlackMessenger } from '../slack/slack-messenger.js';
import type { RequestStore } from '../store/request-store.js';
import { JOBS, RESET_JOB_OPTIONS } from './jobs.js';

export interface ReconcileDeps {
  store: RequestStore;
  resetQueue: Queue;
  slack: SlackMessenger;
  logger: Logger;
}

/**
 * Makes sure every approved or running request has a live reset job: queues the ones a crash left
 * unqueued, and reports (instead of leaving silently stuck) the ones whose job BullMQ gave up on.
 */
export async function reconcileRequests(deps: ReconcileDeps): Promise<{ queued: number; failed: number }> {
  let queued = 0;
  let failed = 0;
  for (const id of await deps.store.activeIdsIn(['approved', 'running'])) {
    const request = await deps.store.get(id);
    // Read again in full: it may have moved on since its state was read.
    if (!request || (request.state !== 'approved' && request.state !== 'running')) continue;
    const job = await deps.resetQueue.getJob(id);
    const jobState = job ? await job.getState() : 'missing';
    if (jobState === 'missing' || jobState === 'unknown') {
      await deps.resetQueue.add(JOBS.reset, { requestId: id }, { jobId: id, ...RESET_JOB_OPTIONS });
      deps.logger.warn(
        { requestId: id, state: request.state },
        'approved request had no reset job; queued it',
      );
      queued++;
    } else if (jobState === 'failed' || jobState === 'completed') {
      await markAbandoned(deps, id, job?.failedReason ?? `its job ended as ${jobState}`);
      failed++;
    }
  }
  return { queued, failed };
}

/** The job is gone for good but the request never finished: say so in the thread and the audit trail. */
export async function markAbandoned(
  deps: ReconcileDeps,
  requestId: string,
  reason: string,
): Promise<boolean> {
  const result = await deps.store.transition(
    requestId,
    'failed',
    { finishedAt: Date.now(), errorCode: 'WorkerGaveUp', errorDetails: reason },
    { event: 'abandoned', actor: 'bot', detail: reason },
  );
  if (!result.changed) return false;
  const request = result.request;
  deps.logger.error(
    { requestId, reason, operationId: request.operationId },
    'reset job was abandoned; reported as failed',
  );
  if (!request.cardTs) return true;
  const cardTs = request.cardTs as string;
  try {
    await deps.slack.reply(
      request.channelId,
      cardTs,
      threadMessages.couldNotStart(
        request,
        `the bot gave up on this reset (${reason}).${request.operationId ? ` Lightsail operation ${request.operationId} may still have run; check the Lightsail console.` : ''}`,
      ),
      deps.store,
    );
    await deps.slack.updateCard(request.channelId, cardTs, renderApprovalCard(request));
  } catch (error) {
    deps.logger.error({ err: error, requestId }, 'could not tell the thread that the reset was abandoned');
  }
  return true;
}
