import { code, mention, quote } from './mrkdwn.js';

export interface AuditFact {
  event: string;
  actor: string;
  distribution: string;
  requestId: string;
  detail?: string;
}

/** Events the audit channel hears about: decisions and results, not the steps between them. */
const ANNOUNCED = new Set([
  'requested',
  'break-glass',
  'approval',
  'approved',
  'denied',
  'cancelled',
  'expired',
  'succeeded',
  'failed',
  'timed-out',
  'abandoned',
]);

/** One line for AUDIT_CHANNEL_ID, or undefined for events it does not announce. */
export function auditLine(fact: AuditFact): string | undefined {
  if (!ANNOUNCED.has(fact.event)) return undefined;
  const who = /^[UW][A-Z0-9]+$/.test(fact.actor) ? mention(fact.actor) : fact.actor;
  const detail = fact.detail ? `: ${quote(fact.detail, 300)}` : '';
  const flag = fact.event === 'break-glass' ? ':rotating_light: *BREAK-GLASS, needs review* ' : '';
  return `${flag}${code(fact.distribution)} ${fact.event} by ${who}${detail} (request ${code(fact.requestId)})`;
}
