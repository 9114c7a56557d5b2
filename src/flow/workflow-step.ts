import { randomUUID } from 'node:crypto';
import { toPlainText } from '../domain/mrkdwn.js';
import { readStepInputs, stepOutcome } from '../domain/workflow-step.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { type SlackMessenger, slackErrorCode } from '../slack/slack-messenger.js';
import type { RequestStore } from '../store/request-store.js';
import type { FlowDeps } from './flow-deps.js';
import { requestReset } from './request-reset.js';

/** Slack's answers meaning the execution cannot be completed any more (already ended, or unknown). */
const ENDED_EXECUTION = new Set(['execution_not_in_running_state', 'function_execution_not_found']);
const CLAIM_MS = 30_000;
export const STEP_COMPLETED_EVENT = 'step-completed';

/**
 * A workflow reached the "Reset Lightsail cache (with approval)" step: ask for the reset exactly as the
 * slash command does, with the workflow's user as the requester. The step stays open until the request
 * ends; a refusal ends it at once, as failed, with the reason.
 */
export async function startResetStep(deps: FlowDeps, executionId: string, inputs: unknown): Promise<void> {
  const log = deps.logger.child({ executionId });
  if (!(await deps.store.firstStepExecution(executionId))) {
    log.info('workflow step already started; ignored');
    return;
  }
  const ask = readStepInputs(inputs);
  const refusal = ask.ok
    ? await requestReset(deps, {
        userId: ask.requesterId,
        channelId: ask.channelId,
        distributionName: ask.distributionName,
        workflowExecutionId: executionId,
        ...(ask.reason ? { purpose: ask.reason } : {}),
      })
    : ask.problem;
  deps.metrics?.requests.inc({ outcome: refusal ? 'refused' : 'carded' });
  if (refusal === undefined) return;
  const text = toPlainText(typeof refusal === 'string' ? refusal : refusal.text);
  log.info({ refusal: text }, 'workflow step refused');
  await deps.slack.failStep(executionId, text);
}

export interface StepCompleterDeps {
  store: RequestStore;
  slack: SlackMessenger;
  logger: Logger;
  metrics?: Metrics;
}

/**
 * Completes the workflow step of each request that ends, exactly once: right after the transition (in
 * whichever process made it), and by a sweep in the workers that catches what a crash or an outage left.
 */
export class StepCompleter {
  private readonly holder = randomUUID();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: StepCompleterDeps) {}

  /** Completes this request's step if it has ended; errors are logged and left to the sweep. */
  finish(requestId: string): void {
    this.complete(requestId).catch((error: unknown) =>
      this.deps.logger.warn({ err: error, requestId }, 'could not complete the workflow step yet'),
    );
  }

  async sweep(): Promise<void> {
    for (const id of await this.deps.store.openStepRequestIds()) {
      await this.complete(id).catch((error: unknown) =>
        this.deps.logger.warn({ err: error, requestId: id }, 'could not complete the workflow step yet'),
      );
    }
  }

  start(everyMs: number): void {
    const tick = () => {
      this.sweep()
        .catch((error: unknown) => this.deps.logger.warn({ err: error }, 'workflow step sweep failed'))
        .finally(() => {
          if (this.timer) this.timer = setTimeout(tick, everyMs).unref();
        });
    };
    this.timer = setTimeout(tick, 0).unref();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Completes the step once the request is terminal; a no-op while it runs or after it was completed. */
  async complete(requestId: string): Promise<'completed' | 'open' | 'busy'> {
    const { store, slack, logger } = this.deps;
    const request = await store.get(requestId);
    if (!request?.workflowExecutionId || request.stepCompletedAt !== undefined) {
      await store.stepCompleted(requestId, Date.now());
      return 'completed';
    }
    const outcome = stepOutcome(request);
    if (!outcome) return 'open';
    if (!(await store.claimStepCompletion(requestId, this.holder, CLAIM_MS))) return 'busy';
    const executionId = request.workflowExecutionId;
    try {
      if (outcome.kind === 'success') await slack.completeStep(executionId, outcome.outputs);
      else await slack.failStep(executionId, outcome.error);
    } catch (error) {
      const code = slackErrorCode(error);
      if (!code || !ENDED_EXECUTION.has(code)) {
        await store.releaseStepCompletion(requestId);
        throw error;
      }
      // Completed before (a crash between Slack's answer and our record) or ended by Slack: nothing to redo.
      logger.warn({ requestId, executionId, code }, 'the workflow step had already ended');
    }
    await store.stepCompleted(requestId, Date.now());
    await store.audit(request, {
      event: STEP_COMPLETED_EVENT,
      actor: 'bot',
      detail:
        outcome.kind === 'success' ? 'workflow step completed' : `workflow step failed: ${outcome.error}`,
    });
    logger.info({ requestId, executionId, outcome: outcome.kind }, 'workflow step completed');
    return 'completed';
  }
}
