import { formatDuration } from './duration.js';
import { code, escapeText, escapeWithin, mention, quote, slackDate } from './mrkdwn.js';
import { mentionPeople } from './policy.js';
import type { ResetRequest } from './reset-request.js';

/** Replies in the card's thread. Each is plain mrkdwn text, readable in a notification as it is. */
export const threadMessages = {
  started(operationId: string, status: string): string {
    return `:arrow_forward: Reset started. Lightsail operation ${code(operationId)} is ${escapeText(status)}.`;
  },

  statusChanged(status: string, elapsedMs: number): string {
    return `:hourglass: Status: *${escapeText(status)}* (${formatDuration(elapsedMs)} since the reset started).`;
  },

  succeeded(request: ResetRequest, elapsedMs: number): string {
    return `${mention(request.requesterId)} :large_green_circle: The cache of ${code(request.distributionName)} was reset: *Succeeded* in ${formatDuration(elapsedMs)}.`;
  },

  operationFailed(
    request: ResetRequest,
    errorCode: string | undefined,
    errorDetails: string | undefined,
    elapsedMs: number,
  ): string {
    const why = [errorCode, errorDetails]
      .filter(Boolean)
      .map((part) => escapeWithin(String(part), 1000))
      .join(': ');
    return `${mention(request.requesterId)} :red_circle: The cache reset of ${code(request.distributionName)} *Failed* after ${formatDuration(elapsedMs)}${why ? `: ${why}` : ' (Lightsail gave no reason)'}.`;
  },

  couldNotStart(request: ResetRequest, reason: string): string {
    return `${mention(request.requesterId)} :red_circle: The cache reset of ${code(request.distributionName)} *Failed* before it started: ${escapeWithin(reason, 1000)}`;
  },

  gaveUpWaiting(request: ResetRequest, status: string | undefined, elapsedMs: number): string {
    return `${mention(request.requesterId)} :warning: Stopped waiting after ${formatDuration(elapsedMs)}: operation ${code(request.operationId ?? '?')} was still *${escapeText(status ?? 'unknown')}*. It may still finish; check the Lightsail console. Marked as failed here.`;
  },

  denied(request: ResetRequest): string {
    const why = request.reason ? ` Reason: ${quote(request.reason, 500)}` : '';
    return `${mention(request.requesterId)} :no_entry: ${mention(request.decidedBy ?? '')} denied the cache reset of ${code(request.distributionName)}. Nothing was reset.${why}`;
  },

  cancelled(request: ResetRequest): string {
    return `:heavy_multiplication_x: ${mention(request.requesterId)} cancelled this request. Nothing was reset.`;
  },

  expired(request: ResetRequest): string {
    return `${mention(request.requesterId)} :alarm_clock: Nobody approved the cache reset of ${code(request.distributionName)} within ${formatDuration(request.expiresAt - request.createdAt)}, so the request expired. Nothing was reset; ask again if it is still needed.`;
  },

  reminder(request: ResetRequest): string {
    const waiting =
      request.approvalsRequired > 1
        ? ` (${request.approvals.length} of ${request.approvalsRequired} approvals so far)`
        : '';
    return `:bell: ${mentionPeople({ users: request.approverUsers, groups: request.approverGroups })}: this cache reset of ${code(request.distributionName)} is still waiting for approval${waiting}. It expires ${slackDate(request.expiresAt)}.`;
  },

  breakGlassAudit(request: ResetRequest): string {
    return `:rotating_light: Break-glass reset of ${code(request.distributionName)} by ${mention(request.requesterId)}, without approval. Reason: ${quote(request.reason ?? '', 500)}. Please review.`;
  },
};
