import { DelayedError, type Job } from 'bullmq';
import { renderApprovalCard } from '../domain/approval-card.js';
import { nextPollDelay, retryDelay } from '../domain/poll-schedule.js';
import type { ResetRequest } from '../domain/reset-request.js';
import { threadMessages } from '../domain/thread-messages.js';
import { classifyLightsailError } from '../lightsail/classify-lightsail-error.js';
import type { LightsailGateway, OperationSnapshot } from '../lightsail/lightsail-gateway.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import {
  CHANNEL_MIN_GAP_MS,
  CHANNEL_SPACING_MS,
  isPermanentSlackError,
  type SlackMessenger,
  slackErrorCode,
  slackRetryAfterSeconds,
} from '../slack/slack-messenger.js';
import type { RequestStore } from '../store/request-store.js';
import { type OutboxItem, type ResetJobData, ResetJobDataSchema } from './jobs.js';

export interface ResetWorkerDeps {
  store: RequestStore;
  lightsail: LightsailGateway;
  slack: SlackMessenger;
  polling: { intervalMs: number; maxIntervalMs: number; operationTimeoutMs: number };
  logger: Logger;
  limits?: Partial<RetryLimits>;
  metrics?: Metrics;
}

export interface RetryLimits {
  /** Throttling/5xx answers in a row before the reset is reported failed. */
  lightsailAttempts: number;
  lightsailBackoffMs: number;
  lightsailMaxBackoffMs: number;
  /** Failed Slack deliveries before a status message is given up (and logged). */
  slackAttempts: number;
  slackBackoffMs: number;
  slackMaxBackoffMs: number;
}

export const DEFAULT_LIMITS: RetryLimits = {
  lightsailAttempts: 8,
  lightsailBackoffMs: 1000,
  lightsailMaxBackoffMs: 60_000,
  slackAttempts: 30,
  slackBackoffMs: 1000,
  slackMaxBackoffMs: 120_000,
};

// Lightsail and our clocks may differ a little: a reset created this long before approval still counts as ours.
const CLOCK_SKEW_MS = 5_000;

const SUCCESS_STATUSES = new Set(['Succeeded', 'Completed']);

// Longer than the Lightsail client's connection + request timeouts, so a live claim always outlasts its call.
const RESET_CLAIM_MS = 10_000;

/**
 * One job a request, moving through phases as BullMQ "step jobs": reset, then poll, then report.
 * Between steps the job waits as a delayed job, holding no worker slot; everything a retry needs
 * to resume rather than repeat is saved in job.data before the next side effect.
 */
export function createResetProcessor(deps: ResetWorkerDeps) {
  const limits = { ...DEFAULT_LIMITS, ...deps.limits };

  return async function processResetJob(job: Job, token?: string): Promise<string> {
    let data = ResetJobDataSchema.parse(job.data);
    // Every line of a request's story carries its request id, and its operation id once there is one.
    // Made when a step first logs: most steps log nothing.
    let childLog: Logger | undefined;
    const log = () => {
      childLog ??= deps.logger.child({
        requestId: data.requestId,
        jobId: job.id,
        operationId: data.operationId,
      });
      return childLog;
    };
    // Changes to job.data not written yet: only ones a repeat would undo harmlessly (a card edit) wait.
    let unsaved = false;
    const save = async (patch: Partial<ResetJobData>) => {
      data = { ...data, ...patch };
      unsaved = false;
      await job.updateData(data);
    };
    const enqueue = (items: OutboxItem[]): OutboxItem[] => {
      // Only the latest card edit matters: drop earlier ones still waiting.
      const hasCard = items.some((item) => item.kind === 'card');
      return [...data.outbox.filter((item) => !(hasCard && item.kind === 'card')), ...items];
    };

    const now = () => Date.now();

    // Most steps are polls that find the operation as it was: they need nothing of the request but
    // when it started (kept in job data since then), so they do not read it, and write nothing.
    let polled: { snapshot: OperationSnapshot } | { error: unknown } | undefined;
    const { operationId: knownOperation, runningSince } = data;
    if (data.phase === 'poll' && knownOperation && runningSince !== undefined && data.outbox.length === 0) {
      polled = await deps.lightsail.getOperation(knownOperation).then(
        (snapshot) => ({ snapshot }),
        (error: unknown) => ({ error }),
      );
      const runningFor = now() - runningSince;
      const quiet =
        'snapshot' in polled &&
        polled.snapshot.status === data.lastStatus &&
        !polled.snapshot.isTerminal &&
        runningFor < deps.polling.operationTimeoutMs;
      if (quiet) {
        if (data.lightsailFailures > 0) await save({ lightsailFailures: 0 });
        const delay = nextPollDelay(runningFor, deps.polling.intervalMs, deps.polling.maxIntervalMs);
        await job.moveToDelayed(now() + delay, token);
        throw new DelayedError();
      }
    }

    const loaded = await deps.store.get(data.requestId);
    if (!loaded) {
      log().error('reset job names a request that does not exist; nothing to do');
      return 'missing-request';
    }
    let request: ResetRequest = loaded;

    let wakeAt: number | undefined;

    const finish = async (
      state: 'succeeded' | 'failed',
      fields: Partial<ResetRequest>,
      message: (r: ResetRequest) => string,
      event: string,
      detail?: string,
      jobFields: Partial<ResetJobData> = {},
    ) => {
      const finishedAt = now();
      const result = await deps.store.transitionFrom(
        request,
        state,
        { finishedAt, ...fields },
        { event, actor: 'worker', ...(detail ? { detail } : {}) },
      );
      if (result.request) request = result.request;
      // The card first: editing it again after a crash is harmless, so only the reply needs a write after it.
      const items: OutboxItem[] =
        result.changed && request ? [{ kind: 'card' }, { kind: 'reply', text: message(request) }] : [];
      await save({ ...jobFields, phase: 'report', outbox: enqueue(items) });
      // The audit line of the transition says the same at info.
      log().debug({ state, changed: result.changed }, 'reset finished');
      if (result.changed && request.startedAt !== undefined && data.operationId) {
        deps.metrics?.operationSeconds.observe({ result: state }, (finishedAt - request.startedAt) / 1000);
      }
    };

    const lightsailTrouble = async (error: unknown, stage: string) => {
      const verdict = classifyLightsailError(error);
      if (!verdict.retryable) {
        log().warn({ err: error, stage }, 'Lightsail refused; not retrying');
        await finish(
          'failed',
          { errorCode: errorName(error), errorDetails: verdict.reason },
          (r) => threadMessages.couldNotStart(r, `${verdict.reason}.`),
          'failed',
          verdict.reason,
        );
        return;
      }
      const failures = data.lightsailFailures + 1;
      if (failures >= limits.lightsailAttempts) {
        log().error({ err: error, stage, failures }, 'Lightsail kept failing; giving up');
        const reason = `Lightsail kept failing (${failures} attempts over several minutes). Last answer: ${verdict.reason}.`;
        await finish(
          'failed',
          { errorCode: errorName(error), errorDetails: reason },
          (r) =>
            data.operationId
              ? threadMessages.operationFailed(r, 'Unreachable', reason, now() - (r.startedAt ?? now()))
              : threadMessages.couldNotStart(r, reason),
          'failed',
          reason,
        );
        return;
      }
      await save({ lightsailFailures: failures });
      wakeAt = now() + retryDelay(failures, limits.lightsailBackoffMs, limits.lightsailMaxBackoffMs);
      log().warn({ err: error, stage, failures }, 'Lightsail call failed; will retry');
    };

    /** Runs one Lightsail call; on failure records it (retry later or fail) and returns undefined. */
    const callLightsail = async <T>(stage: string, call: () => Promise<T>): Promise<T | undefined> => {
      try {
        return await call();
      } catch (error) {
        await lightsailTrouble(error, stage);
        return undefined;
      }
    };

    const adoptOperation = async (op: OperationSnapshot) => {
      await save({
        operationId: op.id,
        phase: 'poll',
        lastStatus: op.status,
        lightsailFailures: 0,
        outbox: enqueue([
          { kind: 'card' },
          { kind: 'reply', text: threadMessages.started(op.id, op.status) },
        ]),
      });
      await deps.store.annotate(data.requestId, { operationId: op.id, operationStatus: op.status });
      request = { ...request, operationId: op.id, operationStatus: op.status };
      childLog = undefined;
      log().info({ status: op.status }, 'reset started');
      wakeAt = now() + nextPollDelay(0, deps.polling.intervalMs, deps.polling.maxIntervalMs);
    };

    if (data.phase === 'reset') {
      // Running already on arrival means an earlier attempt got this far: a reset may have left without its answer.
      const interrupted = data.resetCalledAt !== undefined || request.state === 'running';
      if (request.state === 'approved') {
        const moved = await deps.store.transitionFrom(
          request,
          'running',
          { startedAt: now() },
          { event: 'started', actor: 'worker' },
        );
        if (moved.request) request = moved.request;
      }
      if (request.state !== 'running') {
        log().info({ state: request.state }, 'request is not ready to run; nothing to reset');
        await save({ phase: 'report' });
      } else if (request.operationId) {
        // The request already has an operation (job data was lost or re-added): follow it, never reset again.
        await save({
          operationId: request.operationId,
          phase: 'poll',
          lastStatus: request.operationStatus,
          runningSince: request.startedAt,
        });
        wakeAt = now();
      } else {
        const holder = `${job.id}:${token ?? 'no-token'}:${now()}`;
        if (!(await deps.store.claimResetCall(data.requestId, holder, RESET_CLAIM_MS))) {
          // Another worker is in the middle of this very call: look again once it has had time to finish.
          log().warn('another worker is calling ResetDistributionCache for this request; waiting');
          wakeAt = now() + 2_000;
        } else {
          try {
            const earlier = !interrupted
              ? { found: undefined }
              : await callLightsail('GetDistributionLatestCacheReset', async () => ({
                  found: await findEarlierReset(request),
                }));
            if (earlier?.found !== undefined) {
              log().warn(
                { adoptedResetAt: earlier.found },
                'a reset from an interrupted attempt exists; following it, not resetting again',
              );
              await save({
                phase: 'poll',
                adoptedResetAt: earlier.found,
                outbox: enqueue([{ kind: 'card' }]),
              });
              wakeAt = now();
            } else if (earlier) {
              await save({ resetCalledAt: now(), runningSince: request.startedAt });
              const op = await callLightsail('ResetDistributionCache', () =>
                deps.lightsail.resetCache(request.distributionName),
              );
              if (op) await adoptOperation(op);
            }
          } finally {
            await deps.store.releaseResetCall(data.requestId, holder);
          }
        }
      }
    } else if (data.phase === 'poll') {
      const elapsed = now() - (request.startedAt ?? now());
      const operationId = data.operationId;
      const snapshot = polled
        ? 'snapshot' in polled
          ? polled.snapshot
          : await lightsailTrouble(polled.error, 'GetOperation')
        : operationId
          ? await callLightsail('GetOperation', () => deps.lightsail.getOperation(operationId))
          : await callLightsail('GetDistributionLatestCacheReset', () =>
              latestResetAsSnapshot(request.distributionName),
            );
      if (snapshot) {
        const changed = snapshot.status !== data.lastStatus;
        const pollFields: Partial<ResetJobData> = {
          lightsailFailures: 0,
          ...(changed ? { lastStatus: snapshot.status } : {}),
        };
        // A terminal status ends the request: its transition records the status, and one write of the
        // job data (in finish) carries this poll's fields with the final messages.
        if (!snapshot.isTerminal) {
          // Written only when there is something to keep: a status change with its reply, a failure
          // count to clear, or the start time that lets the next polls skip reading the request.
          const since = data.runningSince === undefined ? request.startedAt : undefined;
          if (changed || data.lightsailFailures > 0 || since !== undefined) {
            await save({
              ...pollFields,
              ...(since !== undefined ? { runningSince: since } : {}),
              ...(changed
                ? {
                    outbox: enqueue([
                      { kind: 'card' },
                      { kind: 'reply', text: threadMessages.statusChanged(snapshot.status, elapsed) },
                    ]),
                  }
                : {}),
            });
          }
          if (changed) {
            await deps.store.annotate(data.requestId, { operationStatus: snapshot.status });
            request = { ...request, operationStatus: snapshot.status };
            log().debug({ status: snapshot.status }, 'operation status changed');
          }
        }
        if (snapshot.isTerminal) {
          if (SUCCESS_STATUSES.has(snapshot.status)) {
            await finish(
              'succeeded',
              { operationStatus: snapshot.status },
              (r) => threadMessages.succeeded(r, elapsed),
              'succeeded',
              undefined,
              pollFields,
            );
          } else {
            await finish(
              'failed',
              {
                operationStatus: snapshot.status,
                errorCode: snapshot.errorCode,
                errorDetails: snapshot.errorDetails,
              },
              (r) => threadMessages.operationFailed(r, snapshot.errorCode, snapshot.errorDetails, elapsed),
              'failed',
              [snapshot.errorCode, snapshot.errorDetails].filter(Boolean).join(': '),
              pollFields,
            );
          }
        } else if (elapsed >= deps.polling.operationTimeoutMs) {
          await finish(
            'failed',
            {
              operationStatus: snapshot.status,
              errorCode: 'Timeout',
              errorDetails: `still ${snapshot.status} when the bot stopped waiting`,
            },
            (r) => threadMessages.gaveUpWaiting(r, snapshot.status, elapsed),
            'timed-out',
          );
        } else {
          wakeAt = now() + nextPollDelay(elapsed, deps.polling.intervalMs, deps.polling.maxIntervalMs);
        }
      }
    }

    const slackRetryAt = await deliverOutbox();
    if (data.phase === 'report' && data.outbox.length === 0) return request.state;
    if (unsaved) await save({});
    const next = Math.min(wakeAt ?? Number.POSITIVE_INFINITY, slackRetryAt ?? Number.POSITIVE_INFINITY);
    await job.moveToDelayed(Number.isFinite(next) ? next : now() + limits.slackBackoffMs, token);
    throw new DelayedError();

    /**
     * Sends the waiting messages in order; returns when to try again if Slack failed. `request` is
     * kept in step with every change this step makes, so it is not read again here.
     */
    async function deliverOutbox(): Promise<number | undefined> {
      while (data.outbox.length > 0) {
        const item = data.outbox[0] as OutboxItem;
        if (item.kind === 'reply' && request.cardTs) {
          // Slack allows about one message a second per channel, shared by every reset in it.
          const slot =
            data.channelSlotAt ??
            (await deps.store.reserveChannelSlot(request.channelId, now(), CHANNEL_SPACING_MS));
          if (slot > now() + 20) {
            await save({ channelSlotAt: slot });
            return slot;
          }
          // The slot says when to aim; this holds a reply that woke late from crowding the next post
          // (any reset's, any process's), sent on time to its own slot.
          const claimedAt = now();
          const sendAt = await deps.store.claimChannelSend(request.channelId, claimedAt, CHANNEL_MIN_GAP_MS);
          if (sendAt > claimedAt) {
            await save({ channelSlotAt: sendAt });
            return sendAt;
          }
        }
        try {
          if (!request.cardTs) throw new Error('the request has no card to reply under');
          if (item.kind === 'reply') {
            await deps.slack.reply(request.channelId, request.cardTs, item.text);
            // Written at once: a reply sent again after a crash would show twice in the thread.
            await save({ outbox: data.outbox.slice(1), slackFailures: 0, channelSlotAt: undefined });
          } else {
            await deps.slack.updateCard(request.channelId, request.cardTs, renderApprovalCard(request));
            // A card edit made again shows nothing new: it is written with the next write, if any.
            data = { ...data, outbox: data.outbox.slice(1), slackFailures: 0 };
            unsaved = true;
          }
        } catch (error) {
          const failures = data.slackFailures + 1;
          if (isPermanentSlackError(error) || !request.cardTs || failures >= limits.slackAttempts) {
            log().error(
              { err: error, slackError: slackErrorCode(error), item, failures },
              'giving up on a Slack message for this request',
            );
            await save({ outbox: data.outbox.slice(1), slackFailures: 0 });
            continue;
          }
          log().warn(
            { slackError: slackErrorCode(error) ?? String(error), failures },
            'Slack is not taking messages; will retry',
          );
          await save({ slackFailures: failures, channelSlotAt: undefined });
          const asked = slackRetryAfterSeconds(error);
          return (
            now() +
            (asked ? asked * 1000 : retryDelay(failures, limits.slackBackoffMs, limits.slackMaxBackoffMs))
          );
        }
      }
      return undefined;
    }

    /** After an interrupted attempt: the reset Lightsail made since approval, if any (its time, ms). */
    async function findEarlierReset(r: ResetRequest): Promise<number | undefined> {
      const latest = await deps.lightsail.latestCacheReset(r.distributionName);
      const since = (r.decidedAt ?? r.startedAt ?? 0) - CLOCK_SKEW_MS;
      const at = latest.createdAt?.getTime();
      return at !== undefined && at >= since ? at : undefined;
    }

    async function latestResetAsSnapshot(name: string): Promise<OperationSnapshot> {
      const latest = await deps.lightsail.latestCacheReset(name);
      const status = latest.status ?? 'Started';
      return {
        id: '',
        status,
        isTerminal: SUCCESS_STATUSES.has(status) || status === 'Failed',
        errorCode: undefined,
        errorDetails: undefined,
      };
    }
  };
}

function errorName(error: unknown): string {
  const e = error as { name?: unknown; code?: unknown } | undefined;
  return String(e?.code ?? e?.name ?? 'Error');
}
