import { checkDistributionName } from './distribution-name.js';

export const COMMAND = '/lightsail-reset';

export type ParsedCommand =
  | { kind: 'help' }
  | { kind: 'reset'; distributionName: string }
  | { kind: 'invalid'; problem: string };

/** Reads the text after `/lightsail-reset`. */
export function parseCommandText(text: string): ParsedCommand {
  const trimmed = text.trim();
  if (trimmed === '') {
    return { kind: 'invalid', problem: 'Tell me which distribution to reset.' };
  }
  if (trimmed.toLowerCase() === 'help') return { kind: 'help' };
  const check = checkDistributionName(trimmed);
  return check.ok
    ? { kind: 'reset', distributionName: check.name }
    : { kind: 'invalid', problem: check.problem };
}

export function usageText(): string {
  return [
    `*Usage:* \`${COMMAND} <distribution-name>\` asks for a cache reset of that Lightsail distribution.`,
    'An approver clicks *Approve* on the card I post (never the person who asked); then I reset the cache and report progress in the thread.',
    `\`${COMMAND} help\` shows this message.`,
  ].join('\n');
}
