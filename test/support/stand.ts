import { requestIdOfCard } from '../../src/local/conversation.js';
import type { SlackMessage } from '../../src/local/fake-slack.js';
import { DEMO_DISTRIBUTIONS, LocalStand, type StandOptions } from '../../src/local/local-stand.js';
import { testRedisUrl } from './redis.js';

/** A local stand on the suite's Redis (its own prefix), with extra distributions for isolated tests. */
export async function startStand(
  options: StandOptions & { extraDistributions?: string[] } = {},
): Promise<LocalStand> {
  const stand = new LocalStand({
    redisUrl: testRedisUrl(),
    distributions: [...DEMO_DISTRIBUTIONS, ...(options.extraDistributions ?? []).map((name) => ({ name }))],
    ...options,
  });
  return stand.start();
}

/** Waits for the (single) approval card in a channel and returns it with its request id. */
export async function cardIn(
  stand: LocalStand,
  channel: string,
): Promise<{ card: SlackMessage; requestId: string }> {
  const card = await stand.slack.waitFor(() => stand.slack.messages(channel).find((m) => !m.threadTs));
  const requestId = requestIdOfCard(card);
  if (!requestId) throw new Error('the card carries no request id');
  return { card, requestId };
}

export function cardText(stand: LocalStand, channel: string, ts: string): string {
  return JSON.stringify(stand.slack.message(channel, ts)?.blocks ?? []);
}

export function resetCalls(stand: LocalStand, name?: string) {
  return stand.lightsail
    .callsOf('ResetDistributionCache')
    .filter((c) => name === undefined || c.input.distributionName === name);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Asks for a reset of `name` in `channel` and has the approver approve it; returns the card. */
export async function askAndApprove(stand: LocalStand, name: string, channel: string) {
  await stand.command(name, 'U0REQUEST', channel);
  const { card, requestId } = await cardIn(stand, channel);
  await stand.click('approve_reset', requestId, 'U0APPROVE', card.ts, channel);
  return { card, requestId };
}

export function threadTexts(stand: LocalStand, channel: string, ts: string): string[] {
  return stand.slack.thread(channel, ts).map((m) => m.text ?? '');
}

export async function waitForFinal(stand: LocalStand, channel: string, ts: string, timeoutMs = 30_000) {
  return stand.slack.waitFor(
    () => stand.slack.thread(channel, ts).find((m) => /\*(Succeeded|Failed)\*/.test(m.text ?? '')),
    timeoutMs,
  );
}
