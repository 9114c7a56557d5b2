import { renderApprovalCard } from '../domain/approval-card.js';
import { closestNames } from '../domain/closest-names.js';
import { formatDuration } from '../domain/duration.js';
import { code } from '../domain/mrkdwn.js';
import { cooldownLeft, groupsOf, mayBreakGlass, mayRequest, type Rule, ruleFor } from '../domain/policy.js';
import { newRequestId, type ResetRequest } from '../domain/reset-request.js';
import { suggestionReply } from '../domain/suggestions.js';
import { classifyLightsailError } from '../lightsail/classify-lightsail-error.js';
import { EXPIRY_JOB_OPTIONS, expiryJobId, JOBS, reminderJobId } from '../queue/jobs.js';
import { isNotInChannel, slackErrorCode } from '../slack/slack-messenger.js';
import { enqueueReset } from './decide-request.js';
import { distributionNames } from './distribution-catalog.js';
import type { FlowDeps, RichPrivateReply } from './flow-deps.js';

export interface ResetAsk {
  userId: string;
  channelId: string;
  distributionName: string;
  /** Set for `--now <reason>`: reset without approval, if the person holds the break-glass right. */
  breakGlassReason?: string;
  /** Why the reset is wanted (a workflow step's `reason`), shown on the card. */
  purpose?: string;
  /** The Workflow Builder step execution that asked, completed when the request ends. */
  workflowExecutionId?: string;
}

export const TRY_AGAIN_SHORTLY =
  ":warning: I can't reach my database right now, so nothing was requested. Please try again in a minute.";

/** Someone asked for a reset of a valid-looking name: check the policy and the name, record it, post the card. */
export async function requestReset(deps: FlowDeps, ask: ResetAsk): Promise<RichPrivateReply> {
  const log = deps.logger.child({
    user: ask.userId,
    channel: ask.channelId,
    distribution: ask.distributionName,
  });
  const rule = ruleFor(deps.policy, ask.distributionName);
  const members = await deps.groups.members(groupsOf(rule));
  const allowed = mayRequest(rule, ask.userId, ask.channelId, members);
  if (!allowed.allowed) return `:no_entry: ${allowed.reason}`;
  const breakGlass = ask.breakGlassReason !== undefined;
  if (breakGlass) {
    const glass = mayBreakGlass(rule, ask.userId, ask.breakGlassReason ?? '', members);
    if (!glass.allowed) return `:no_entry: ${glass.reason}`;
  }

  let distribution: Awaited<ReturnType<typeof deps.lightsail.findDistribution>>;
  try {
    distribution = await deps.lightsail.findDistribution(ask.distributionName);
  } catch (error) {
    const verdict = classifyLightsailError(error);
    log.warn({ err: error }, 'could not look the distribution up');
    return `:warning: I couldn't check ${code(ask.distributionName)} with Lightsail: ${verdict.reason}. Nothing was requested; try again in a minute.`;
  }
  if (!distribution) {
    const listing = await distributionNames(deps);
    const suggestions = 'names' in listing ? closestNames(ask.distributionName, listing.names) : [];
    if (suggestions.length > 0) return suggestionReply(ask.distributionName, suggestions);
    return `:mag: There is no Lightsail distribution named ${code(ask.distributionName)} in this AWS account. Check the name (distributions are listed in the Lightsail console, us-east-1) and try again.`;
  }

  // The card shows when the cache was last reset; not knowing it is no reason to refuse.
  const lastReset = await deps.lightsail.latestCacheReset(distribution.name).catch(() => undefined);
  const now = Date.now();
  const request: ResetRequest = {
    ...newRequest(rule, ask, distribution.name, distribution.domainName, now),
    alternativeDomains: distribution.alternativeDomainNames,
    originName: distribution.originName,
    distributionStatus: distribution.status,
    lastResetAt: lastReset?.createdAt?.getTime(),
  };
  const rlog = log.child({ requestId: request.id, breakGlass });
  try {
    const waitLeft = cooldownLeft(rule, await deps.store.lastSuccessAt(request.distributionName), now);
    if (waitLeft !== undefined && !breakGlass) {
      return `:snowflake: The cache of ${code(request.distributionName)} was reset recently; the team's cooldown allows the next reset in ${formatDuration(waitLeft)}. Nothing was requested.`;
    }
    const created = await deps.store.create(request, {
      event: breakGlass ? 'break-glass' : 'requested',
      actor: ask.userId,
      ...(breakGlass ? { detail: `needs review: ${ask.breakGlassReason}` } : {}),
    });
    if (!created.created) return await alreadyOpen(deps, request.distributionName, created.openRequestId);
    if (!breakGlass) await scheduleExpiry(deps, request, rule);
  } catch (error) {
    rlog.error({ err: error }, 'could not record the request');
    return TRY_AGAIN_SHORTLY;
  }

  try {
    const ts = await deps.slack.postCard(ask.channelId, renderApprovalCard(request), deps.store);
    await deps.store.annotate(request.id, { cardTs: ts });
    rlog.info('request recorded and card posted');
  } catch (error) {
    return await withdraw(deps, request, error, rlog);
  }
  if (breakGlass) {
    // The card exists, so the worker has a thread to report in.
    try {
      await enqueueReset(deps, request.id);
    } catch (error) {
      rlog.error(
        { err: error },
        'break-glass reset recorded, but not queued yet; reconciliation will queue it',
      );
    }
  }
  return undefined;
}

function newRequest(
  rule: Rule,
  ask: ResetAsk,
  name: string,
  domainName: string | undefined,
  now: number,
): ResetRequest {
  const breakGlass = ask.breakGlassReason !== undefined;
  return {
    id: newRequestId(now),
    state: breakGlass ? 'approved' : 'pending',
    distributionName: name,
    domainName,
    requesterId: ask.userId,
    channelId: ask.channelId,
    createdAt: now,
    expiresAt: now + rule.ttlMs,
    ruleName: rule.name,
    approvalsRequired: rule.approvalsRequired,
    approverUsers: [...rule.approvers.users],
    approverGroups: [...rule.approvers.groups],
    approvals: [],
    breakGlass,
    alternativeDomains: [],
    ...(breakGlass ? { reason: ask.breakGlassReason, decidedBy: ask.userId, decidedAt: now } : {}),
    ...(ask.purpose ? { purpose: ask.purpose } : {}),
    ...(ask.workflowExecutionId ? { workflowExecutionId: ask.workflowExecutionId } : {}),
  };
}

async function scheduleExpiry(deps: FlowDeps, request: ResetRequest, rule: Rule): Promise<void> {
  await deps.expiryQueue.add(
    JOBS.expire,
    { requestId: request.id },
    { jobId: expiryJobId(request.id), delay: rule.ttlMs, ...EXPIRY_JOB_OPTIONS },
  );
  if (rule.remindAfterMs !== undefined && rule.remindAfterMs < rule.ttlMs) {
    await deps.expiryQueue.add(
      JOBS.remind,
      { requestId: request.id },
      { jobId: reminderJobId(request.id), delay: rule.remindAfterMs, ...EXPIRY_JOB_OPTIONS },
    );
  }
}

async function alreadyOpen(deps: FlowDeps, name: string, openId: string): Promise<string> {
  const open = await deps.store.get(openId);
  let link = '';
  if (open?.cardTs) {
    const permalink = await deps.slack.permalink(open.channelId, open.cardTs).catch(() => undefined);
    if (permalink) link = ` <${permalink}|See the request>.`;
  }
  const state = open ? ` (${open.state})` : '';
  return `:point_up: There is already a request for ${code(name)}${state}; one at a time per distribution.${link} Nothing new was requested.`;
}

async function withdraw(
  deps: FlowDeps,
  request: ResetRequest,
  error: unknown,
  log: FlowDeps['logger'],
): Promise<string> {
  const target = request.state === 'pending' ? 'cancelled' : 'failed';
  const withdrawn = await deps.store
    .transition(
      request.id,
      target,
      { decidedAt: Date.now(), errorCode: 'CardNotPosted' },
      { event: 'card-not-posted', actor: 'bot', detail: slackErrorCode(error) ?? String(error) },
    )
    .catch(() => undefined);
  log.warn({ err: error, withdrawn: withdrawn?.changed }, 'could not post the card');
  if (isNotInChannel(error)) {
    return ":wave: I'm not a member of this channel, so I can't post the card here. Invite me with `/invite @lightsail-reset` and ask again. Nothing was requested.";
  }
  return `:warning: I couldn't post the card (${slackErrorCode(error) ?? 'Slack did not answer'}). Nothing was requested; try again in a minute.`;
}
