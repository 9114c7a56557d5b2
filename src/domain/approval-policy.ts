import type { ResetRequest } from './reset-request.js';

export interface ApprovalPolicy {
  approverUserIds: readonly string[];
  requesterUserIds: readonly string[];
  allowedChannelIds: readonly string[];
  allowSelfApproval: boolean;
}

export type Verdict = { allowed: true } | { allowed: false; reason: string };

const ALLOWED: Verdict = { allowed: true };

/** May this person ask for a reset in this channel? */
export function mayRequest(policy: ApprovalPolicy, userId: string, channelId: string): Verdict {
  if (policy.allowedChannelIds.length > 0 && !policy.allowedChannelIds.includes(channelId)) {
    return {
      allowed: false,
      reason: `Cache resets can't be requested in this channel. Use one of: ${policy.allowedChannelIds.map((id) => `<#${id}>`).join(', ')}.`,
    };
  }
  if (policy.requesterUserIds.length > 0 && !policy.requesterUserIds.includes(userId)) {
    return {
      allowed: false,
      reason:
        'You are not on the list of people who may request cache resets. Ask one of the approvers to add you.',
    };
  }
  return ALLOWED;
}

/** May this person approve (or deny) this request now? Both decisions need the same right. */
export function mayDecide(policy: ApprovalPolicy, userId: string, request: ResetRequest): Verdict {
  if (!policy.approverUserIds.includes(userId)) {
    return {
      allowed: false,
      reason: `Only ${listApprovers(policy)} can approve or deny cache resets. Nothing was changed.`,
    };
  }
  if (userId === request.requesterId && !policy.allowSelfApproval) {
    return {
      allowed: false,
      reason: 'You asked for this reset, so someone else has to approve it. Nothing was changed.',
    };
  }
  return ALLOWED;
}

/** May this person cancel their own request? */
export function mayCancel(userId: string, request: ResetRequest): Verdict {
  return userId === request.requesterId
    ? ALLOWED
    : { allowed: false, reason: 'Only the person who asked can cancel this request. Nothing was changed.' };
}

export function listApprovers(policy: ApprovalPolicy): string {
  return policy.approverUserIds.map((id) => `<@${id}>`).join(', ') || 'the configured approvers';
}
