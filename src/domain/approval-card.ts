import { formatDuration } from './duration.js';
import { code, escapeText, escapeWithin, mention, quote, slackDate, truncate } from './mrkdwn.js';
import { mentionPeople } from './policy.js';
import type { ResetRequest } from './reset-request.js';

export const ACTION_IDS = {
  approve: 'approve_reset',
  deny: 'deny_reset',
  cancel: 'cancel_reset',
} as const;

export interface SlackMessageContent {
  text: string;
  blocks: Block[];
  /** Slack message metadata: lets other apps and workflows follow a request without parsing text. */
  metadata?: { event_type: string; event_payload: Record<string, string | number | boolean> };
}

export const METADATA_EVENT_TYPE = 'lightsail_reset_request';

// Block Kit is JSON; we keep our own narrow shape rather than importing Slack's types into the core.
export type Block = { type: string; block_id?: string; [key: string]: unknown };

/** One line that says where the request stands: the card's top line and its notification text. */
export function headline(request: ResetRequest): string {
  const line = stateLine(request);
  return request.breakGlass && request.state !== 'approved' ? `:rotating_light: BREAK-GLASS · ${line}` : line;
}

function stateLine(request: ResetRequest): string {
  const name = code(request.distributionName);
  switch (request.state) {
    case 'pending':
      return request.approvalsRequired > 1
        ? `:hourglass_flowing_sand: Cache reset of ${name} is waiting for approval (${request.approvals.length} of ${request.approvalsRequired})`
        : `:hourglass_flowing_sand: Cache reset of ${name} is waiting for approval`;
    case 'approved':
      return request.breakGlass
        ? `:rotating_light: BREAK-GLASS cache reset of ${name} by ${mention(request.requesterId)}, without approval: starting`
        : `:white_check_mark: Cache reset of ${name} approved by ${approvers(request)}, starting`;
    case 'running':
      return `:arrows_counterclockwise: Resetting the cache of ${name}: ${escapeText(request.operationStatus ?? 'Started')}`;
    case 'succeeded':
      return `:large_green_circle: Cache reset of ${name} succeeded${durationSuffix(request)}`;
    case 'failed':
      return `:red_circle: Cache reset of ${name} failed${durationSuffix(request)}`;
    case 'denied':
      return `:no_entry: Cache reset of ${name} denied by ${mention(request.decidedBy ?? '')}`;
    case 'expired':
      return `:alarm_clock: Cache reset of ${name} expired: nobody decided in time`;
    case 'cancelled':
      return `:heavy_multiplication_x: Cache reset of ${name} cancelled by ${mention(request.decidedBy ?? request.requesterId)}`;
  }
}

function lastReset(request: ResetRequest): string {
  return request.lastResetAt ? slackDate(request.lastResetAt) : 'none on record';
}

function approvers(request: ResetRequest): string {
  const who = request.approvals.length > 0 ? request.approvals : request.decidedBy ? [request.decidedBy] : [];
  return who.map(mention).join(' and ') || 'someone';
}

function durationSuffix(request: ResetRequest): string {
  if (request.startedAt === undefined || request.finishedAt === undefined) return '';
  return ` in ${formatDuration(request.finishedAt - request.startedAt)}`;
}

/** The approval card: posted once when the request is made, then edited in place as the state moves. */
export function renderApprovalCard(request: ResetRequest): SlackMessageContent {
  const top = headline(request);
  const approverPeople = { users: request.approverUsers, groups: request.approverGroups };
  const domains = [request.domainName, ...request.alternativeDomains].filter((d): d is string => Boolean(d));
  const facts: string[] = [
    `*Distribution:* ${code(request.distributionName)}${request.distributionStatus ? ` (${escapeText(request.distributionStatus)})` : ''}`,
  ];
  if (domains.length > 0) facts.push(`*Domains:* ${escapeWithin(domains.join(', '), 300)}`);
  if (request.originName) facts.push(`*Origin:* ${escapeWithin(request.originName, 100)}`);
  if (request.state === 'pending') facts.push(`*Last cache reset:* ${lastReset(request)}`);
  facts.push(
    `*Requested by:* ${mention(request.requesterId)}${request.workflowExecutionId ? ' (through a workflow)' : ''}`,
  );
  if (request.purpose) facts.push(`*Why:* ${quote(request.purpose, 500)}`);
  if (request.breakGlass) {
    facts.push(`*Break-glass reason:* ${quote(request.reason ?? '', 500)}`);
    facts.push(`*For review by:* ${mentionPeople(approverPeople)}`);
  }
  if (request.state === 'pending') {
    facts.push(`*Can approve:* ${mentionPeople(approverPeople)}`);
    if (request.approvalsRequired > 1) {
      const so = request.approvals.length > 0 ? `: ${request.approvals.map(mention).join(', ')}` : '';
      facts.push(`*Approvals:* ${request.approvals.length} of ${request.approvalsRequired}${so}`);
    }
    facts.push(`*Expires:* ${slackDate(request.expiresAt)}`);
  }
  if (
    !request.breakGlass &&
    request.decidedBy &&
    request.state !== 'pending' &&
    request.state !== 'cancelled' &&
    request.state !== 'expired'
  ) {
    facts.push(
      request.state === 'denied'
        ? `*Denied by:* ${mention(request.decidedBy)}`
        : `*Approved by:* ${approvers(request)}`,
    );
  }
  if (request.state === 'denied' && request.reason) facts.push(`*Reason:* ${quote(request.reason, 500)}`);
  if (request.operationId) facts.push(`*Operation:* ${code(request.operationId)}`);
  if (request.state === 'failed' && (request.errorCode || request.errorDetails)) {
    facts.push(
      `*Error:* ${escapeWithin([request.errorCode, request.errorDetails].filter(Boolean).join(': '), 500)}`,
    );
  }

  const blocks: Block[] = [
    { type: 'section', block_id: 'headline', text: { type: 'mrkdwn', text: top } },
    { type: 'section', block_id: 'facts', text: { type: 'mrkdwn', text: facts.join('\n') } },
  ];
  if (request.state === 'pending') blocks.push(decisionButtons(request, 'decision'));
  blocks.push({
    type: 'context',
    block_id: 'request',
    elements: [
      {
        type: 'mrkdwn',
        text: `Request ${code(request.id)}${request.ruleName !== 'default' ? ` · policy rule ${code(request.ruleName)}` : ''}`,
      },
    ],
  });
  return { text: plainText(top), blocks, metadata: cardMetadata(request) };
}

/** The card's buttons; the Home tab shows the same ones (without Cancel for an approver) for each request. */
export function decisionButtons(
  request: ResetRequest,
  blockId: string,
  which: ReadonlyArray<keyof typeof ACTION_IDS> = ['approve', 'deny', 'cancel'],
): Block {
  const all = {
    approve: {
      type: 'button',
      action_id: ACTION_IDS.approve,
      style: 'primary',
      text: { type: 'plain_text', text: 'Approve' },
      value: request.id,
      confirm: {
        title: { type: 'plain_text', text: 'Reset the whole cache?' },
        // Confirm dialogs take plain text only, so the last reset is given in UTC.
        text: {
          type: 'plain_text',
          text: `Every cached file of ${escapeText(truncate(request.distributionName, 80))} is dropped; the origin takes the full load until the cache fills again. Last reset: ${request.lastResetAt ? `${new Date(request.lastResetAt).toISOString().slice(0, 16).replace('T', ' ')} UTC` : 'none on record'}.`,
        },
        confirm: { type: 'plain_text', text: 'Approve reset' },
        deny: { type: 'plain_text', text: 'Back' },
      },
    },
    deny: {
      type: 'button',
      action_id: ACTION_IDS.deny,
      style: 'danger',
      text: { type: 'plain_text', text: 'Deny' },
      value: request.id,
    },
    cancel: {
      type: 'button',
      action_id: ACTION_IDS.cancel,
      text: { type: 'plain_text', text: 'Cancel request' },
      value: request.id,
    },
  };
  return { type: 'actions', block_id: blockId, elements: which.map((w) => all[w]) };
}

/** Notification and screen-reader text: the headline without emoji codes (mentions still resolve). */
export function plainText(mrkdwn: string): string {
  return mrkdwn.replace(/:[a-z_]+:\s*/g, '').replace(/`/g, '');
}

function cardMetadata(request: ResetRequest): NonNullable<SlackMessageContent['metadata']> {
  return {
    event_type: METADATA_EVENT_TYPE,
    event_payload: {
      request_id: request.id,
      distribution: request.distributionName,
      state: request.state,
      requester: request.requesterId,
      break_glass: request.breakGlass,
      ...(request.operationId ? { operation_id: request.operationId } : {}),
    },
  };
}
