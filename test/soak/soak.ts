import { Redis } from 'ioredis';
import { ACTION_IDS } from '../../src/domain/approval-card.js';
import type { ResetRequest } from '../../src/domain/reset-request.js';
import { requestIdOfCard } from '../../src/local/conversation.js';
import { DEMO_PEOPLE, LocalStand } from '../../src/local/local-stand.js';
import { RequestStore } from '../../src/store/request-store.js';

export interface SoakOptions {
  requests: number;
  /** Share of Lightsail calls answered with throttling or a 5xx. */
  lightsailFaultRate: number;
  /** Share of Slack chat.postMessage / chat.update calls answered with a 5xx or a 429. */
  slackFaultRate: number;
  /** Kill -9 one of the two workers once this share of the requests is approved (omit: no kill). */
  killWorkerAt?: number;
  redisUrl?: string;
  timeoutMs: number;
  log?: (line: string) => void;
}

export interface SoakReport {
  asked: number;
  carded: number;
  approved: number;
  succeeded: number;
  failed: number;
  lost: string[];
  duplicateResets: string[];
  duplicateFinalReplies: string[];
  resetsMade: number;
  lightsailFaults: Record<string, number>;
  slackFaults: Record<string, number>;
  workersKilled: number;
  failures: Record<string, number>;
  /** What people who were not given a card were told, by message. */
  refusals: Record<string, number>;
  seconds: number;
}

const CHANNELS = ['C0SOAK1', 'C0SOAK2', 'C0SOAK3', 'C0SOAK4', 'C0SOAK5'];
const FINAL = /\*(Succeeded|Failed)\*/;

/**
 * Soak: one web process and two worker processes, random faults in the fake Lightsail and Slack,
 * one worker killed mid-way. Counts what reached the end, what was lost and what was done twice.
 */
export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const log = options.log ?? (() => {});
  const began = Date.now();
  const names = Array.from({ length: options.requests }, (_, i) => `soak-${String(i).padStart(4, '0')}`);
  const stand = new LocalStand({
    ...(options.redisUrl ? { redisUrl: options.redisUrl } : {}),
    distributions: names.map((name) => ({ name })),
    args: ['web'],
    env: { WORKER_LOCK_DURATION: '2s', LOG_LEVEL: 'warn', WORKER_CONCURRENCY: '20' },
  });
  await stand.start();
  const redis = new Redis(stand.redisUrl, { maxRetriesPerRequest: null });
  const store = new RequestStore(redis, stand.prefix);
  try {
    await stand.startWorker();
    await stand.startWorker();
    stand.lightsail.setOperationScript({ statuses: ['Started', 'Started', 'Succeeded'] });
    stand.lightsail.setRandomFaults(options.lightsailFaultRate, [
      { kind: 'throttle' },
      { kind: 'http', status: 500 },
      { kind: 'http', status: 503 },
    ]);
    stand.slack.setRandomFaults(
      options.slackFaultRate,
      [{ status: 500 }, { status: 503 }, { status: 429, headers: { 'retry-after': '1' } }],
      ['chat.postMessage', 'chat.update'],
    );
    log(`asking for ${names.length} resets`);

    const channelOf = (i: number) => CHANNELS[i % CHANNELS.length] as string;
    await inBatches(names, 10, (name, i) => stand.command(name, DEMO_PEOPLE.requester, channelOf(i)));
    const cards = new Map<string, { channel: string; ts: string; requestId: string }>();
    const collectCards = () => {
      for (const channel of CHANNELS) {
        for (const message of stand.slack.messages(channel)) {
          const requestId = message.threadTs ? undefined : requestIdOfCard(message);
          const name = /(soak-\d{4})/.exec(message.text ?? '')?.[1];
          if (requestId && name) cards.set(name, { channel, ts: message.ts, requestId });
        }
      }
    };
    // Every ask ends in a card or a private answer; card posts that hit a fault are retried for a few seconds.
    for (let i = 0; i < 60; i++) {
      collectCards();
      if (cards.size + stand.slack.responses.length >= names.length) break;
      await sleep(250);
    }
    log(`${cards.size} cards posted; approving`);

    let workersKilled = 0;
    const killAt = options.killWorkerAt === undefined ? -1 : Math.floor(cards.size * options.killWorkerAt);
    let clicked = 0;
    await inBatches([...cards.values()], 10, async (card) => {
      await stand.click(ACTION_IDS.approve, card.requestId, DEMO_PEOPLE.approver, card.ts, card.channel);
      clicked++;
      if (clicked === killAt) {
        log('killing worker 1 with SIGKILL');
        workersKilled++;
        await stand.workers[0]?.stop('SIGKILL');
      }
    });

    const records = async () =>
      (await Promise.all([...cards.values()].map((c) => store.get(c.requestId)))).filter(
        (r): r is ResetRequest => r !== undefined,
      );
    // Clicks are acked before they are processed: wait until no clicked request is still pending.
    for (let i = 0; i < 40 && (await records()).some((r) => r.state === 'pending'); i++) await sleep(250);
    const approvedIds = new Set(
      (await records()).filter((r) => r.decidedBy && r.state !== 'denied').map((r) => r.id),
    );
    log(`${approvedIds.size} approved; waiting for every one to finish`);

    const finished = (card: { channel: string; ts: string }) =>
      stand.slack.thread(card.channel, card.ts).filter((m) => FINAL.test(m.text ?? '')).length;
    const deadline = Date.now() + options.timeoutMs;
    let pending = [...cards.values()].filter((c) => approvedIds.has(c.requestId));
    while (Date.now() < deadline) {
      pending = pending.filter((c) => finished(c) === 0);
      if (pending.length === 0) break;
      await sleep(250);
    }

    const all = await records();
    const byName = new Map<string, number>();
    for (const op of stand.lightsail.operations())
      byName.set(op.distributionName, (byName.get(op.distributionName) ?? 0) + 1);
    const refusals: Record<string, number> = {};
    for (const response of stand.slack.responses) {
      const text = String(response.body.text ?? '');
      const key = text.replace(/`soak-\d{4}`/g, 'X').slice(0, 70);
      refusals[key] = (refusals[key] ?? 0) + 1;
    }
    const failures: Record<string, number> = {};
    for (const r of all.filter((x) => x.state === 'failed')) {
      const key = r.errorCode ?? 'unknown';
      failures[key] = (failures[key] ?? 0) + 1;
    }
    return {
      asked: names.length,
      carded: cards.size,
      approved: approvedIds.size,
      succeeded: all.filter((r) => r.state === 'succeeded').length,
      failed: all.filter((r) => r.state === 'failed').length,
      lost: pending.map((c) => c.requestId),
      duplicateResets: [...byName].filter(([, n]) => n > 1).map(([name]) => name),
      duplicateFinalReplies: [...cards].filter(([, c]) => finished(c) > 1).map(([name]) => name),
      resetsMade: stand.lightsail.operations().length,
      lightsailFaults: Object.fromEntries(stand.lightsail.randomFaultCounts),
      slackFaults: Object.fromEntries(stand.slack.randomFaultCounts),
      workersKilled,
      failures,
      refusals,
      seconds: Math.round((Date.now() - began) / 1000),
    };
  } finally {
    redis.disconnect();
    await stand.stop();
  }
}

async function inBatches<T>(items: T[], size: number, run: (item: T, index: number) => Promise<unknown>) {
  for (let i = 0; i < items.length; i += size) {
    await Promise.all(items.slice(i, i + size).map((item, j) => run(item, i + j)));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function formatSoakReport(r: SoakReport): string {
  const sum = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0);
  return [
    `requests asked          ${r.asked}`,
    `cards posted            ${r.carded}`,
    `told to try again       ${r.asked - r.carded} ${JSON.stringify(r.refusals)}`,
    `approved                ${r.approved}`,
    `succeeded               ${r.succeeded}`,
    `failed                  ${r.failed} ${JSON.stringify(r.failures)}`,
    `lost (no final reply)   ${r.lost.length}`,
    `duplicate resets        ${r.duplicateResets.length}`,
    `duplicate final replies ${r.duplicateFinalReplies.length}`,
    `resets made             ${r.resetsMade}`,
    `Lightsail faults        ${sum(r.lightsailFaults)} ${JSON.stringify(r.lightsailFaults)}`,
    `Slack faults            ${sum(r.slackFaults)} ${JSON.stringify(r.slackFaults)}`,
    `workers killed (-9)     ${r.workersKilled}`,
    `wall time               ${r.seconds} s`,
  ].join('\n');
}
