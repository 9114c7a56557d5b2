import { renderApprovalCard } from '../domain/approval-card.js';
import { mayRequest } from '../domain/approval-policy.js';
import { code } from '../domain/mrkdwn.js';
import { newRequestId, type ResetRequest } from '../domain/reset-request.js';
import { classifyLightsailError } from '../lightsail/classify-lightsail-error.js';
import { EXPIRY_JOB_OPTIONS, expiryJobId, QUEUES } from '../queue/jobs.js';
import { isNotInChannel, slackErrorCode } from '../slack/slack-messenger.js';
import type { FlowDeps, PrivateReply } from './flow-deps.js';

export interface ResetAsk {
  userId: string;
  channelId: string;
  distributionName: string;
}

export const TRY_AGAIN_SHORTLY =
  ":warning: I can't reach my database right now, so nothing was requested. Please try again in a minute.";

/** Someone asked for a reset of a valid-looking name: check it, record it, post the approval card. */
export async function requestReset(deps: FlowDeps, ask: ResetAsk): Promise<PrivateReply> {
  const log = deps.logger.child({
    user: ask.userId,
    channel: ask.channelId,
    distribution: ask.distributionName,
  });
  const allowed = mayRequest(deps.policy, ask.userId, ask.channelId);
  if (!allowed.allowed) return `:no_entry: ${allowed.reason}`;

  let distribution: Awaited<ReturnType<typeof deps.lightsail.findDistribution>>;
  try {
    distribution = await deps.lightsail.findDistribution(ask.distributionName);
  } catch (error) {
    const verdict = classifyLightsailError(error);
    log.warn({ err: error }, 'could not look the distribution up');
    return `:warning: I couldn't check ${code(ask.distributionName)} with Lightsail: ${verdict.reason}. Nothing was requested; try again in a minute.`;
  }
  if (!distribution) {
    return `:mag: There is no Lightsail distribution named ${code(ask.distributionName)} in this AWS account. Check the name (distributions are listed in the Lightsail console, us-east-1) and try again.`;
  }

  const now = Date.now();
  const request: ResetRequest = {
    id: newRequestId(now),
    state: 'pending',
    distributionName: distribution.name,
    domainName: distribution.domainName,
    requesterId: ask.userId,
    channelId: ask.channelId,
    createdAt: now,
    expiresAt: now + deps.approvalTtlMs,
  };
  const log2 = log.child({ requestId: request.id });
  try {
    await deps.store.create(request, { event: 'requested', actor: ask.userId });
    await deps.expiryQueue.add(
      QUEUES.expiry,
      { requestId: request.id },
      { jobId: expiryJobId(request.id), delay: deps.approvalTtlMs, ...EXPIRY_JOB_OPTIONS },
    );
  } catch (error) {
    log2.error({ err: error }, 'could not record the request');
    return TRY_AGAIN_SHORTLY;
  }

  try {
    const ts = await deps.slack.postCard(
      ask.channelId,
      renderApprovalCard(request, { approverIds: deps.policy.approverUserIds }),
    );
    await deps.store.annotate(request.id, { cardTs: ts });
    log2.info('request recorded and approval card posted');
    return undefined;
  } catch (error) {
    const withdrawn = await deps.store
      .transition(
        request.id,
        'cancelled',
        { decidedAt: Date.now() },
        { event: 'card-not-posted', actor: 'bot', detail: slackErrorCode(error) ?? String(error) },
      )
      .catch(() => undefined);
    log2.warn({ err: error, withdrawn: withdrawn?.changed }, 'could not post the approval card');
    if (isNotInChannel(error)) {
      return ":wave: I'm not a member of this channel, so I can't post the approval card here. Invite me with `/invite @lightsail-reset` and ask again. Nothing was requested.";
    }
    return `:warning: I couldn't post the approval card (${slackErrorCode(error) ?? 'Slack did not answer'}). Nothing was requested; try again in a minute.`;
  }
}
