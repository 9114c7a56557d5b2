import { renderApprovalCard } from '../domain/approval-card.js';
import { mayCancel, mayDecide } from '../domain/approval-policy.js';
import { mention, slackDate } from '../domain/mrkdwn.js';
import type { RequestState, ResetRequest } from '../domain/reset-request.js';
import { threadMessages } from '../domain/thread-messages.js';
import { QUEUES, RESET_JOB_OPTIONS } from '../queue/jobs.js';
import type { FlowDeps, PrivateReply } from './flow-deps.js';
import { TRY_AGAIN_SHORTLY } from './request-reset.js';

export type Decision = 'approve' | 'deny' | 'cancel';

const TARGET: Record<Decision, RequestState> = { approve: 'approved', deny: 'denied', cancel: 'cancelled' };

export interface DecisionClick {
  userId: string;
  requestId: string;
  decision: Decision;
}

/** A click on Approve, Deny or Cancel: the first allowed click wins; every later one is told who decided. */
export async function decideRequest(deps: FlowDeps, click: DecisionClick): Promise<PrivateReply> {
  const log = deps.logger.child({ requestId: click.requestId, user: click.userId, decision: click.decision });
  let request: ResetRequest | undefined;
  try {
    request = await deps.store.get(click.requestId);
  } catch (error) {
    log.error({ err: error }, 'could not read the request');
    return TRY_AGAIN_SHORTLY;
  }
  if (!request)
    return ':grey_question: I have no record of this request (it may be older than 30 days). Nothing was changed.';
  if (request.state !== 'pending') return alreadyDecided(request);

  const verdict =
    click.decision === 'cancel'
      ? mayCancel(click.userId, request)
      : mayDecide(deps.policy, click.userId, request);
  if (!verdict.allowed) {
    log.info({ reason: verdict.reason }, 'decision refused');
    return `:no_entry: ${verdict.reason}`;
  }

  const result = await deps.store.transition(
    request.id,
    TARGET[click.decision],
    { decidedBy: click.userId, decidedAt: Date.now() },
    { event: TARGET[click.decision], actor: click.userId },
  );
  if (!result.changed)
    return result.request ? alreadyDecided(result.request) : 'This request no longer exists.';
  const decided = result.request;
  log.info('decision recorded');

  if (click.decision === 'approve') {
    try {
      await enqueueReset(deps, decided.id);
    } catch (error) {
      // The request stays approved; the worker's reconciliation queues it once Redis answers again.
      log.error({ err: error }, 'approved, but the reset job could not be queued yet');
    }
  }
  await refreshCard(deps, decided);
  if (click.decision === 'deny') await replyInThread(deps, decided, threadMessages.denied(decided));
  if (click.decision === 'cancel') await replyInThread(deps, decided, threadMessages.cancelled(decided));
  return undefined;
}

/** Adding the job twice is harmless: its id is the request id, so the second add is a no-op. */
export async function enqueueReset(deps: Pick<FlowDeps, 'resetQueue'>, requestId: string): Promise<void> {
  await deps.resetQueue.add(QUEUES.reset, { requestId }, { jobId: requestId, ...RESET_JOB_OPTIONS });
}

async function refreshCard(deps: FlowDeps, request: ResetRequest): Promise<void> {
  if (!request.cardTs) return;
  try {
    await deps.slack.updateCard(
      request.channelId,
      request.cardTs,
      renderApprovalCard(request, { approverIds: deps.policy.approverUserIds }),
    );
  } catch (error) {
    deps.logger.warn({ err: error, requestId: request.id }, 'could not update the approval card');
  }
}

async function replyInThread(deps: FlowDeps, request: ResetRequest, text: string): Promise<void> {
  if (!request.cardTs) return;
  try {
    await deps.slack.reply(request.channelId, request.cardTs, text);
  } catch (error) {
    deps.logger.warn({ err: error, requestId: request.id }, 'could not reply in the thread');
  }
}

export function alreadyDecided(request: ResetRequest): string {
  const by = request.decidedBy ? mention(request.decidedBy) : 'someone';
  switch (request.state) {
    case 'pending':
      return 'This request is still waiting for a decision.';
    case 'approved':
    case 'running':
    case 'succeeded':
    case 'failed':
      return `:information_source: ${by} already approved this request; it is ${request.state}. Nothing was changed.`;
    case 'denied':
      return `:information_source: ${by} already denied this request. Nothing was changed.`;
    case 'cancelled':
      return ':information_source: This request was cancelled. Nothing was changed.';
    case 'expired':
      return `:information_source: This request expired at ${slackDate(request.expiresAt)}. Ask again with \`/lightsail-reset ${request.distributionName}\` if it is still needed.`;
  }
}
