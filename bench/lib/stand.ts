import { ACTION_IDS } from '../../src/domain/approval-card.js';
import { requestIdOfCard } from '../../src/local/conversation.js';
import type { SlackCall } from '../../src/local/fake-slack.js';
import { DEMO_PEOPLE, type LocalStand } from '../../src/local/local-stand.js';
import { startRedisServer } from '../../src/local/redis-server.js';
import { snapshotLocalStand } from './build-snapshot.js';
import { IMAGE_MEMORY_ENV, renice, waitUntil } from './processes.js';

/** An approval card the app posted: where it is and which request its buttons carry. */
export interface Card {
  channel: string;
  ts: string;
  requestId: string;
}

export interface BenchStandOptions {
  distributionNames: readonly string[];
  env?: Record<string, string>;
  /** Every Lightsail call answers this much later (the fake's latency, applied to all operations). */
  lightsailLatencyMs?: number;
  /** Extra redis-server arguments (such as `--hz 200`); the stand then runs a redis-server of ours. */
  redisArgs?: string[];
  /** The app's role (`web` to run the web side alone); default: both roles in one process. */
  args?: string[];
  /** Processes in the worker role to start next to the app. */
  workers?: number;
  /** The niceness those worker processes run at (README, "Scaling out": workers sharing a host with the web role). */
  workerNice?: number;
}

/**
 * The project's local stand (redis-server, fake Slack and Lightsail, the built app), set up for a
 * benchmark; the app comes from the run's snapshot of the build.
 */
export async function startBenchStand(options: BenchStandOptions): Promise<LocalStand> {
  const redis = options.redisArgs ? await startRedisServer({ extraArgs: options.redisArgs }) : undefined;
  const SnapshotLocalStand = await snapshotLocalStand();
  const stand = new SnapshotLocalStand({
    distributions: options.distributionNames.map((name) => ({ name })),
    env: { LOG_LEVEL: 'info', ...IMAGE_MEMORY_ENV, ...options.env },
    ...(redis ? { redisUrl: redis.url } : {}),
    ...(options.args ? { args: options.args } : {}),
  });
  await stand.start();
  for (let i = 0; i < (options.workers ?? 0); i++) {
    const worker = await stand.startWorker();
    if (options.workerNice !== undefined && worker.pid) renice(worker.pid, options.workerNice);
  }
  // stand.stop() stops the redis-server it holds: hand it ours.
  if (redis) stand.redis = redis;
  if (options.lightsailLatencyMs) {
    // LocalStand builds its FakeLightsail without latencyMs; a delay "fault" that never runs out is the same sleep.
    stand.lightsail.injectFault(
      '*',
      { kind: 'delay', ms: options.lightsailLatencyMs },
      Number.POSITIVE_INFINITY,
    );
  }
  return stand;
}

/** Runs `task` over `items` with at most `limit` at once. */
export async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next++;
      await task(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

/** The top-level messages (cards) the app posted, in the order they were posted. */
export function cardsIn(stand: LocalStand, channel?: string): Card[] {
  const cards: Card[] = [];
  for (const message of stand.slack.messages(channel)) {
    if (message.threadTs) continue;
    const requestId = requestIdOfCard(message);
    if (requestId) cards.push({ channel: message.channel, ts: message.ts, requestId });
  }
  return cards;
}

/**
 * Asks for one reset per (name, channel) through the app's HTTP endpoint and waits for their cards.
 * Each ask goes to a channel of its own, so its card is found by channel.
 */
export async function askInOwnChannels(
  stand: LocalStand,
  asks: ReadonlyArray<{ name: string; channel: string }>,
  concurrency = 10,
  timeoutMs = 120_000,
): Promise<Card[]> {
  await forEachLimited(asks, concurrency, async ({ name, channel }) => {
    const answer = await stand.command(name, DEMO_PEOPLE.requester, channel);
    if (answer.status !== 200) throw new Error(`the command for ${name} answered ${answer.status}`);
  });
  const wanted = new Set(asks.map((a) => a.channel));
  return waitUntil(
    `${asks.length} approval cards`,
    () => {
      const cards = cardsIn(stand).filter((c) => wanted.has(c.channel));
      if (cards.length < asks.length) return undefined;
      const byChannel = new Map(cards.map((c) => [c.channel, c]));
      return asks.map((a) => byChannel.get(a.channel) as Card);
    },
    timeoutMs,
    50,
  );
}

/** Clicks Approve on a card as an approver who did not ask; resolves the click's HTTP status. */
export async function approve(stand: LocalStand, card: Card): Promise<number> {
  const answer = await stand.click(
    ACTION_IDS.approve,
    card.requestId,
    DEMO_PEOPLE.approver,
    card.ts,
    card.channel,
  );
  return answer.status;
}

const FINAL_REPLY = /\*(Succeeded|Failed)\*/;

/** Whether a Slack call is the final "Succeeded/Failed" reply in a card's thread. */
export function isFinalReply(call: SlackCall): boolean {
  return (
    call.method === 'chat.postMessage' &&
    typeof call.args.thread_ts === 'string' &&
    FINAL_REPLY.test(String(call.args.text ?? ''))
  );
}

/** Matches the final reply in the thread of `card`. */
export const isFinalReplyTo =
  (card: { channel: string; ts: string }) =>
  (call: SlackCall): boolean =>
    isFinalReply(call) && call.args.channel === card.channel && call.args.thread_ts === card.ts;

/** The final reply in the thread of `card`, once it was posted. */
export function finalReplyOf(calls: readonly SlackCall[], card: { channel: string; ts: string }) {
  return calls.find(isFinalReplyTo(card));
}

/** Waits for the first recorded call, at index `from` or later, that `matches` (calls of a fake, in order). */
export function firstCallFrom<T>(
  calls: readonly T[],
  from: number,
  matches: (call: T) => boolean,
  timeoutMs = 30_000,
): Promise<T> {
  return waitUntil(
    'a call to arrive',
    () => {
      for (let i = from; i < calls.length; i++) if (matches(calls[i] as T)) return calls[i] as T;
      return undefined;
    },
    timeoutMs,
    2,
  );
}

/** Lightsail calls made for one distribution: its lookups and resets by name, and polls of its operations. */
export function lightsailCallsFor(stand: LocalStand, name: string) {
  const operationIds = new Set(
    stand.lightsail
      .operations()
      .filter((op) => op.distributionName === name)
      .map((op) => op.id),
  );
  return stand.lightsail.calls.filter(
    (c) => c.input.distributionName === name || operationIds.has(String(c.input.operationId)),
  );
}

export function channelId(prefix: string, index: number): string {
  return `${prefix}${index.toString(36).toUpperCase().padStart(4, '0')}`;
}
