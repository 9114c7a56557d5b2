import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ACTION_IDS } from '../../src/domain/approval-card.js';
import { RESET_STEP_CALLBACK_ID } from '../../src/domain/workflow-step.js';
import { DEMO_PEOPLE, type LocalStand } from '../../src/local/local-stand.js';
import { functionExecutedEvent } from '../../src/local/slack-requests.js';
import { FakeSocketModeServer } from '../support/fake-socket-mode.js';
import { cardIn, resetCalls, sleep, startStand, threadTexts, waitForFinal } from '../support/stand.js';

const { requester, approver } = DEMO_PEOPLE;
const FAST_RECOVERY = { WORKER_LOCK_DURATION: '2s' };

function inputs(name: string, channel: string, extra: Record<string, unknown> = {}) {
  return { distribution_name: name, requester, channel, ...extra };
}

function completionsOf(stand: LocalStand, executionId: string) {
  return stand.slack.completions.filter((c) => c.executionId === executionId);
}

describe('the Workflow Builder step "Reset Lightsail cache (with approval)"', () => {
  let stand: LocalStand;

  beforeAll(async () => {
    stand = await startStand({
      extraDistributions: ['wf-happy', 'wf-deny', 'wf-twice', 'wf-slack-down', 'wf-failing'],
    });
  });
  afterAll(async () => {
    await stand?.stop();
  });

  it('asks for the reset with the same card, and completes once with the outputs when it succeeds', async () => {
    const channel = 'C0WFHAPPY';
    const run = await stand.executeStep(
      RESET_STEP_CALLBACK_ID,
      inputs('wf-happy', channel, { reason: 'release 4.2 shipped new CSS' }),
    );
    expect(run.status).toBe(200);
    const { card, requestId } = await cardIn(stand, channel);
    expect(JSON.stringify(card.blocks)).toContain(`<@${requester}> (through a workflow)`);
    expect(JSON.stringify(card.blocks)).toContain('release 4.2 shipped new CSS');
    expect(completionsOf(stand, run.executionId)).toHaveLength(0);

    await stand.click(ACTION_IDS.approve, requestId, approver, card.ts, channel);
    await waitForFinal(stand, channel, card.ts);
    const [done] = await stand.slack.waitFor(() => {
      const c = completionsOf(stand, run.executionId);
      return c.length > 0 ? c : undefined;
    });
    expect(done?.kind).toBe('success');
    const operationId = /Lightsail operation `([0-9a-f-]{36})`/.exec(
      threadTexts(stand, channel, card.ts)[0] ?? '',
    )?.[1];
    expect(done?.outputs).toMatchObject({
      request_id: requestId,
      status: 'succeeded',
      operation_id: operationId,
    });
    expect(typeof done?.outputs?.duration_seconds).toBe('number');
    await sleep(300);
    expect(completionsOf(stand, run.executionId)).toHaveLength(1);
    expect(stand.slack.callsOf('functions.completeSuccess')).toHaveLength(1);
  });

  it('fails the step with a readable error when the request is denied', async () => {
    const channel = 'C0WFDENY';
    const run = await stand.executeStep(RESET_STEP_CALLBACK_ID, inputs('wf-deny', channel));
    const { card, requestId } = await cardIn(stand, channel);
    await stand.click(ACTION_IDS.deny, requestId, approver, card.ts, channel);
    await stand.submitDenyReason(requestId, approver, 'not during the sale');
    const [failed] = await stand.slack.waitFor(() => {
      const c = completionsOf(stand, run.executionId);
      return c.length > 0 ? c : undefined;
    });
    expect(failed).toMatchObject({ kind: 'error' });
    expect(failed?.error).toBe(
      `The cache reset of wf-deny was denied: not during the sale. Request ${requestId}.`,
    );
    expect(resetCalls(stand, 'wf-deny')).toHaveLength(0);
  });

  it('fails the step at once, with the reason, when the inputs or the policy refuse it', async () => {
    const badName = await stand.executeStep(RESET_STEP_CALLBACK_ID, inputs('no such/name', 'C0WFBAD'));
    const unknown = await stand.executeStep(RESET_STEP_CALLBACK_ID, inputs('wf-nowhere', 'C0WFBAD'));
    const noUser = await stand.executeStep(RESET_STEP_CALLBACK_ID, {
      distribution_name: 'web-prod',
      channel: 'C0WFBAD',
    });
    for (const run of [badName, unknown, noUser]) {
      await stand.slack.waitFor(() => completionsOf(stand, run.executionId)[0]);
    }
    const errorOf = (id: string) => completionsOf(stand, id)[0]?.error ?? '';
    expect(completionsOf(stand, badName.executionId)[0]?.kind).toBe('error');
    expect(errorOf(badName.executionId)).toMatch(/letters, digits|name/i);
    expect(errorOf(unknown.executionId)).toMatch(/no Lightsail distribution named wf-nowhere/);
    expect(errorOf(unknown.executionId)).not.toMatch(/[`:]no_entry|<@/);
    expect(errorOf(noUser.executionId)).toMatch(/requester/);
    expect(stand.slack.messages('C0WFBAD')).toHaveLength(0);
  });

  it('asks once when Slack delivers the same execution twice', async () => {
    const channel = 'C0WFTWICE';
    const run = await stand.executeStep(RESET_STEP_CALLBACK_ID, inputs('wf-twice', channel));
    // A second event for the same execution (a new event id, as after a Slack-side retry of the step).
    await stand.deliverEvent(
      functionExecutedEvent({
        executionId: run.executionId,
        callbackId: RESET_STEP_CALLBACK_ID,
        inputs: inputs('wf-twice', channel),
      }),
    );
    await cardIn(stand, channel);
    await sleep(500);
    expect(stand.slack.messages(channel).filter((m) => !m.threadTs)).toHaveLength(1);
    // Not failed as "already a request": the first delivery's request stands.
    expect(completionsOf(stand, run.executionId)).toHaveLength(0);
  });

  it('completes the step once Slack answers again, when completing failed at first', async () => {
    const channel = 'C0WFDOWN';
    const run = await stand.executeStep(RESET_STEP_CALLBACK_ID, inputs('wf-slack-down', channel));
    const { card, requestId } = await cardIn(stand, channel);
    stand.slack.injectFault('functions.completeSuccess', { status: 503 }, 4);
    await stand.click(ACTION_IDS.approve, requestId, approver, card.ts, channel);
    await waitForFinal(stand, channel, card.ts);
    const done = await stand.slack.waitFor(() => completionsOf(stand, run.executionId)[0], 20_000);
    expect(done.kind).toBe('success');
    expect(stand.slack.callsOf('functions.completeSuccess').length).toBeGreaterThan(2);
    await sleep(300);
    expect(completionsOf(stand, run.executionId)).toHaveLength(1);
  });

  it('fails the step when the reset fails at Lightsail', async () => {
    const channel = 'C0WFFAIL';
    stand.lightsail.setOperationScript({ durationMs: 200, final: 'Failed', errorCode: 'InternalFailure' });
    const run = await stand.executeStep(RESET_STEP_CALLBACK_ID, inputs('wf-failing', channel));
    const { card, requestId } = await cardIn(stand, channel);
    await stand.click(ACTION_IDS.approve, requestId, approver, card.ts, channel);
    const failed = await stand.slack.waitFor(() => completionsOf(stand, run.executionId)[0], 20_000);
    expect(failed.kind).toBe('error');
    expect(failed.error).toMatch(/^The cache reset of wf-failing failed/);
  });
});

describe('the workflow step when nobody decides, or the requester withdraws', () => {
  let stand: LocalStand;

  beforeAll(async () => {
    stand = await startStand({ env: { APPROVAL_TTL: '2s' }, extraDistributions: ['wf-expire', 'wf-cancel'] });
  });
  afterAll(async () => {
    await stand?.stop();
  });

  it('fails the step when the request expires', async () => {
    const run = await stand.executeStep(RESET_STEP_CALLBACK_ID, inputs('wf-expire', 'C0WFEXP'));
    const { card } = await cardIn(stand, 'C0WFEXP');
    const failed = await stand.slack.waitFor(() => completionsOf(stand, run.executionId)[0], 20_000);
    expect(failed).toMatchObject({ kind: 'error' });
    expect(failed.error).toMatch(/^The cache reset of wf-expire expired: nobody approved it in time/);
    // Its thread reply is paced after the card: waited for, so that it lands in no later test's count.
    await stand.slack.waitFor(() => stand.slack.thread('C0WFEXP', card.ts)[0], 20_000);
  });

  it('fails the step when the requester cancels', async () => {
    const run = await stand.executeStep(RESET_STEP_CALLBACK_ID, inputs('wf-cancel', 'C0WFCAN'));
    const { card, requestId } = await cardIn(stand, 'C0WFCAN');
    await stand.click(ACTION_IDS.cancel, requestId, requester, card.ts, 'C0WFCAN');
    const failed = await stand.slack.waitFor(() => completionsOf(stand, run.executionId)[0]);
    expect(failed.error).toMatch(/^The cache reset of wf-cancel was cancelled/);
    expect(resetCalls(stand, 'wf-cancel')).toHaveLength(0);
    // Its thread reply is paced after the card: waited for, so that it lands in no later test's count.
    await stand.slack.waitFor(() => stand.slack.thread('C0WFCAN', card.ts)[0], 20_000);
  });

  it('fails every step with fuzzed inputs, posting and resetting nothing (property)', async () => {
    const before = {
      posts: stand.slack.callsOf('chat.postMessage').length,
      resets: resetCalls(stand).length,
    };
    const executions: string[] = [];
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.dictionary(fc.string(), fc.jsonValue()),
          fc.record({
            distribution_name: fc.oneof(fc.string({ maxLength: 300 }), fc.jsonValue()),
            requester: fc.oneof(fc.constant(requester), fc.string()),
            channel: fc.oneof(fc.constant('C0WFFUZZ'), fc.string()),
            reason: fc.oneof(fc.string({ maxLength: 600 }), fc.jsonValue()),
          }),
        ),
        async (fuzzed) => {
          const run = await stand.executeStep(RESET_STEP_CALLBACK_ID, fuzzed as Record<string, unknown>);
          expect(run.status).toBe(200);
          executions.push(run.executionId);
        },
      ),
      { numRuns: 150 },
    );
    // Every execution ends, failed with a sentence (random names never exist in the fake account).
    await stand.slack.waitFor(
      () => executions.every((id) => completionsOf(stand, id).length === 1) || undefined,
      30_000,
    );
    for (const id of executions) {
      const [end] = completionsOf(stand, id);
      expect(end?.kind).toBe('error');
      expect(end?.error?.length).toBeGreaterThan(10);
    }
    expect(stand.slack.callsOf('chat.postMessage').length).toBe(before.posts);
    expect(resetCalls(stand).length).toBe(before.resets);
  });
});

describe('the workflow step across a restart', () => {
  let stand: LocalStand | undefined;
  afterEach(async () => {
    await stand?.stop();
    stand = undefined;
  });

  it('completes exactly once when the app is killed between approval and success', async () => {
    stand = await startStand({ env: FAST_RECOVERY, extraDistributions: ['wf-crash'] });
    stand.lightsail.setOperationScript({ durationMs: 2500 });
    const channel = 'C0WFCRASH';
    const run = await stand.executeStep(RESET_STEP_CALLBACK_ID, inputs('wf-crash', channel));
    const { card, requestId } = await cardIn(stand, channel);
    await stand.click(ACTION_IDS.approve, requestId, approver, card.ts, channel);
    await stand.slack.waitFor(() =>
      threadTexts(stand as LocalStand, channel, card.ts).find((t) => /Reset started/.test(t)),
    );

    expect(await stand.app?.stop('SIGKILL')).toBeNull();
    await stand.startApp();
    await waitForFinal(stand, channel, card.ts);
    const done = await stand.slack.waitFor(() => completionsOf(stand as LocalStand, run.executionId)[0]);
    expect(done).toMatchObject({ kind: 'success', outputs: { request_id: requestId, status: 'succeeded' } });
    await sleep(1000);
    expect(completionsOf(stand, run.executionId)).toHaveLength(1);
    expect(resetCalls(stand, 'wf-crash')).toHaveLength(1);
  });
});

describe('the workflow step in Socket Mode', () => {
  const socket = new FakeSocketModeServer();
  let stand: LocalStand;

  beforeAll(async () => {
    const url = await socket.start();
    stand = await startStand({
      env: { SLACK_APP_TOKEN: 'xapp-1-A0FAKE-socket-token', SLACK_SIGNING_SECRET: '' },
      extraDistributions: ['wf-socket'],
      beforeApp: (s) => s.slack.setSocketModeUrl(url),
    });
    await stand.slack.waitFor(() => socket.connected > 0 || undefined);
  });
  afterAll(async () => {
    await stand?.stop();
    await socket.stop();
  });

  it('receives function_executed over the socket and completes the step after approval', async () => {
    const channel = 'C0WFSOCK';
    const executionId = 'FxSOCKET0001';
    stand.slack.startExecution(executionId);
    const envelope = socket.send('events_api', {
      token: 'legacy',
      team_id: 'T0FAKE',
      api_app_id: 'A0FAKE',
      type: 'event_callback',
      event_id: 'EvSOCKET0001',
      event_time: Math.floor(Date.now() / 1000),
      event: functionExecutedEvent({
        executionId,
        callbackId: RESET_STEP_CALLBACK_ID,
        inputs: inputs('wf-socket', channel),
      }),
    });
    await stand.slack.waitFor(() => socket.acks.find((a) => a.envelope_id === envelope));
    const { card, requestId } = await cardIn(stand, channel);
    socket.send('interactive', {
      type: 'block_actions',
      team: { id: 'T0FAKE', domain: 'fake' },
      user: { id: approver, username: 'approver', team_id: 'T0FAKE' },
      api_app_id: 'A0FAKE',
      container: { type: 'message', message_ts: card.ts, channel_id: channel },
      trigger_id: `${Date.now()}.socket.wf`,
      channel: { id: channel, name: channel.toLowerCase() },
      message: { type: 'message', ts: card.ts },
      response_url: stand.slack.responseUrl(),
      actions: [{ action_id: ACTION_IDS.approve, block_id: 'decision', value: requestId, type: 'button' }],
    });
    const done = await stand.slack.waitFor(() =>
      stand.slack.completions.find((c) => c.executionId === executionId),
    );
    expect(done).toMatchObject({ kind: 'success', outputs: { request_id: requestId, status: 'succeeded' } });
  });
});
