import { renderApprovalCard } from '../domain/approval-card.js';
import { MAX_REASON_LENGTH } from '../domain/command-text.js';
import { mention, slackDate } from '../domain/mrkdwn.js';
import { groupsOf, mayCancel, mayDecide, ruleFor } from '../domain/policy.js';
import type { ResetRequest } from '../domain/reset-request.js';
import { threadMessages } from '../domain/thread-messages.js';
import { JOBS, RESET_JOB_OPTIONS } from '../queue/jobs.js';
import type { FlowDeps, PrivateReply } from './flow-deps.js';
import { TRY_AGAIN_SHORTLY } from './request-reset.js';

export type Decision = 'approve' | 'deny' | 'cancel';

export interface DecisionClick {
  userId: string;
  requestId: string;
  decision: Decision;
  /** Given with a denial, from the Deny dialog. */
  reason?: string;
  /** The card the button was on, when the click came from a card. */
  onCard?: { ts: string; channelId: string };
}

/**
 * A click on Approve, Deny or Cancel (or the Deny dialog's submit). Approvals count once per person
 * until the rule's quorum is met; any other decision ends the request. Later clicks are told who decided.
 */
export async function decideRequest(deps: FlowDeps, click: DecisionClick): Promise<PrivateReply> {
  const log = deps.logger.child({ requestId: click.requestId, user: click.userId, decision: click.decision });
  const assessed = await assess(deps, click);
  if ('refusal' in assessed) return assessed.refusal;
  const { request } = assessed;
  if (click.decision === 'approve') return approve(deps, request, click.userId);

  const reason = click.reason?.trim().slice(0, MAX_REASON_LENGTH) || undefined;
  const to = click.decision === 'deny' ? 'denied' : 'cancelled';
  const result = await deps.store.transition(
    request.id,
    to,
    { decidedBy: click.userId, decidedAt: Date.now(), ...(reason ? { reason } : {}) },
    { event: to, actor: click.userId, ...(reason ? { detail: reason } : {}) },
  );
  if (!result.changed)
    return result.request ? alreadyDecided(result.request) : 'This request no longer exists.';
  log.info('decision recorded');
  deps.metrics?.decisionSeconds.observe({ decision: to }, (Date.now() - result.request.createdAt) / 1000);
  await refreshCard(deps, result.request);
  await replyInThread(
    deps,
    result.request,
    to === 'denied' ? threadMessages.denied(result.request) : threadMessages.cancelled(result.request),
  );
  return undefined;
}

/**
 * Whether this person may make this decision now, without making it: the Deny button asks before it
 * opens its dialog, so that nobody types a reason only to be refused.
 */
export async function refusalOf(deps: FlowDeps, click: DecisionClick): Promise<PrivateReply> {
  const assessed = await assess(deps, click);
  return 'refusal' in assessed ? assessed.refusal : undefined;
}

async function assess(
  deps: FlowDeps,
  click: DecisionClick,
): Promise<{ refusal: string } | { request: ResetRequest }> {
  let request: ResetRequest | undefined;
  try {
    request = await deps.store.get(click.requestId);
  } catch (error) {
    deps.logger.error({ err: error, requestId: click.requestId }, 'could not read the request');
    return { refusal: TRY_AGAIN_SHORTLY };
  }
  if (!request) {
    return {
      refusal:
        ':grey_question: I have no record of this request (it may be older than 30 days). Nothing was changed.',
    };
  }
  if (click.onCard && !request.cardTs && click.onCard.channelId === request.channelId) {
    // The card was posted but its ts was never saved (a crash in between): the click tells us where it is.
    await deps.store.annotate(request.id, { cardTs: click.onCard.ts });
    request = { ...request, cardTs: click.onCard.ts };
  }
  if (
    click.onCard &&
    request.cardTs &&
    (click.onCard.ts !== request.cardTs || click.onCard.channelId !== request.channelId)
  ) {
    deps.logger.warn(
      { requestId: request.id, user: click.userId },
      'a button named a request that is not its card',
    );
    return { refusal: ':no_entry: That button does not belong to this request. Nothing was changed.' };
  }
  if (request.state !== 'pending') return { refusal: alreadyDecided(request) };

  // The rule is looked up now, so that a policy change or a group removal applies to waiting requests.
  const rule = ruleFor(deps.policy, request.distributionName);
  const members = await deps.groups.members(groupsOf(rule));
  const verdict =
    click.decision === 'cancel'
      ? mayCancel(click.userId, request)
      : mayDecide(rule, click.userId, request, members, click.decision);
  if (!verdict.allowed) {
    deps.logger.info(
      { requestId: request.id, user: click.userId, reason: verdict.reason },
      'decision refused',
    );
    return { refusal: `:no_entry: ${verdict.reason}` };
  }
  return { request };
}

async function approve(deps: FlowDeps, request: ResetRequest, userId: string): Promise<PrivateReply> {
  const log = deps.logger.child({ requestId: request.id, user: userId });
  const result = await deps.store.approve(request.id, userId);
  switch (result.outcome) {
    case 'not-pending':
      return result.request ? alreadyDecided(result.request) : 'This request no longer exists.';
    case 'already-approved-by-you':
      return ':information_source: You have already approved this request; another approver has to add theirs. Nothing was changed.';
    case 'counted':
      log.info({ approvals: result.request.approvals.length }, 'approval counted');
      await refreshCard(deps, result.request);
      return `:ballot_box_with_check: Your approval is counted: ${result.request.approvals.length} of ${result.request.approvalsRequired}. The reset runs when the last one is in.`;
    case 'approved':
      log.info('request approved');
      deps.metrics?.decisionSeconds.observe(
        { decision: 'approved' },
        (Date.now() - request.createdAt) / 1000,
      );
      try {
        await enqueueReset(deps, request.id);
      } catch (error) {
        // The request stays approved; the worker's reconciliation queues it once Redis answers again.
        log.error({ err: error }, 'approved, but the reset job could not be queued yet');
      }
      await refreshCard(deps, result.request);
      return undefined;
  }
}

/** Adding the job twice is harmless: its id is the request id, so the second add is a no-op. */
export async function enqueueReset(deps: Pick<FlowDeps, 'resetQueue'>, requestId: string): Promise<void> {
  await deps.resetQueue.add(JOBS.reset, { requestId }, { jobId: requestId, ...RESET_JOB_OPTIONS });
}

async function refreshCard(deps: FlowDeps, request: ResetRequest): Promise<void> {
  if (!request.cardTs) return;
  try {
    await deps.slack.updateCard(request.channelId, request.cardTs, renderApprovalCard(request));
  } catch (error) {
    deps.logger.warn({ err: error, requestId: request.id }, 'could not update the card');
  }
}

async function replyInThread(deps: FlowDeps, request: ResetRequest, text: string): Promise<void> {
  if (!request.cardTs) return;
  try {
    await deps.slack.reply(request.channelId, request.cardTs, text, deps.store);
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
      return request.breakGlass
        ? `:information_source: ${by} ran this as a break-glass reset; it is ${request.state}. Nothing was changed.`
        : `:information_source: ${request.approvals.map(mention).join(' and ') || by} already approved this request; it is ${request.state}. Nothing was changed.`;
    case 'denied':
      return `:information_source: ${by} already denied this request. Nothing was changed.`;
    case 'cancelled':
      return ':information_source: This request was cancelled. Nothing was changed.';
    case 'expired':
      return `:information_source: This request expired at ${slackDate(request.expiresAt)}. Ask again with \`/lightsail-reset ${request.distributionName}\` if it is still needed.`;
  }
}
