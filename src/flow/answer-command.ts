import { parseCommandText, usageText } from '../domain/command-text.js';
import type { EphemeralAnswer, Respond } from '../slack/response-url.js';
import { distributionPicker } from './distribution-picker.js';
import type { FlowDeps } from './flow-deps.js';
import { requestReset } from './request-reset.js';
import { statusReport } from './status-report.js';

/** A slash command as acked: who typed what, where. */
export interface CommandAsk {
  text: string;
  userId: string;
  channelId: string;
}

export const SOMETHING_WENT_WRONG =
  ':warning: Something went wrong on my side; nothing was requested. Please try again in a minute.';

/**
 * The slow part of `/lightsail-reset ...`, after the ack: the status list, the picker, or the request
 * itself (lookups, policy, record, card). Only a problem is answered; a card speaks for itself.
 * A failure to deliver the answer is thrown to the caller.
 */
export async function answerCommand(deps: FlowDeps, ask: CommandAsk, respond: Respond): Promise<void> {
  let answer: EphemeralAnswer | undefined;
  try {
    answer = await answerFor(deps, ask);
  } catch (error) {
    deps.metrics?.requests.inc({ outcome: 'error' });
    deps.logger.error({ err: error, user: ask.userId, channel: ask.channelId }, 'command failed');
    answer = { text: SOMETHING_WENT_WRONG };
  }
  if (answer) await respond(answer);
}

async function answerFor(deps: FlowDeps, ask: CommandAsk): Promise<EphemeralAnswer | undefined> {
  const parsed = parseCommandText(ask.text);
  switch (parsed.kind) {
    case 'help':
      return { text: usageText() };
    case 'invalid':
      deps.metrics?.requests.inc({ outcome: 'invalid' });
      return { text: `:warning: ${parsed.problem}\n\n${usageText()}` };
    case 'status':
      return { text: await statusReport(deps) };
    case 'pick':
      return distributionPicker(deps);
  }
  const problem = await requestReset(deps, {
    userId: ask.userId,
    channelId: ask.channelId,
    distributionName: parsed.distributionName,
    ...(parsed.kind === 'break-glass' ? { breakGlassReason: parsed.reason } : {}),
  });
  deps.metrics?.requests.inc({
    outcome: problem ? 'refused' : parsed.kind === 'break-glass' ? 'break_glass' : 'carded',
  });
  if (problem === undefined) return undefined;
  return typeof problem === 'string' ? { text: problem } : problem;
}
