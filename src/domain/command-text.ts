import { checkDistributionName } from './distribution-name.js';

export const COMMAND = '/lightsail-reset';
export const MAX_REASON_LENGTH = 500;

export type ParsedCommand =
  | { kind: 'help' }
  | { kind: 'pick' }
  | { kind: 'status' }
  | { kind: 'reset'; distributionName: string }
  | { kind: 'break-glass'; distributionName: string; reason: string }
  | { kind: 'invalid'; problem: string };

/** Reads the text after `/lightsail-reset`. */
export function parseCommandText(text: string): ParsedCommand {
  const trimmed = text.trim();
  if (trimmed === '') return { kind: 'pick' };
  const lower = trimmed.toLowerCase();
  if (lower === 'help') return { kind: 'help' };
  if (lower === 'status') return { kind: 'status' };

  const now = /^(\S+)\s+--now(?:\s+([\s\S]*))?$/.exec(trimmed);
  if (now) {
    const check = checkDistributionName(now[1] ?? '');
    if (!check.ok) return { kind: 'invalid', problem: check.problem };
    const reason = (now[2] ?? '').trim();
    if (reason.length === 0) {
      return { kind: 'invalid', problem: 'A break-glass reset needs a reason after `--now`.' };
    }
    if (reason.length > MAX_REASON_LENGTH) {
      return { kind: 'invalid', problem: `Keep the reason under ${MAX_REASON_LENGTH} characters.` };
    }
    return { kind: 'break-glass', distributionName: check.name, reason };
  }

  const check = checkDistributionName(trimmed);
  return check.ok
    ? { kind: 'reset', distributionName: check.name }
    : { kind: 'invalid', problem: check.problem };
}

export function usageText(): string {
  return [
    `*Usage:* \`${COMMAND} <distribution-name>\` asks for a cache reset of that Lightsail distribution; \`${COMMAND}\` alone lets you pick one from a list.`,
    'An approver clicks *Approve* on the card I post (never the person who asked); then I reset the cache and report progress in the thread.',
    `\`${COMMAND} status\` lists the requests waiting for approval and the resets running.`,
    `\`${COMMAND} <distribution-name> --now <reason>\` resets at once, without approval, if you hold the break-glass right; every approver is told.`,
    `\`${COMMAND} help\` shows this message.`,
  ].join('\n');
}
