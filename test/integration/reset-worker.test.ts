import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNEL_MIN_GAP_MS } from '../../src/slack/slack-messenger.js';
import { CHANNEL, WorkerHarness } from '../support/worker-harness.js';

const NAMES = [
  'happy',
  'failing-op',
  'throttled',
  'gone-typed',
  'gone-coded',
  'denied-iam',
  'five-hundreds',
  'slack-down',
  'twice',
  'interrupted',
  'resumed',
  'timeout',
  'status-steps',
  'quiet-polls',
  'paced',
];

describe('the reset worker against the fake Lightsail and a real Redis', () => {
  const h = new WorkerHarness(NAMES.map((name) => ({ name })));

  beforeAll(async () => {
    await h.start({ lightsailAttempts: 4 });
  });
  afterAll(async () => {
    await h.stop();
  });

  it('resets once, saves the operation id and reports Succeeded in the thread', async () => {
    const request = await h.approvedRequest('happy');
    await h.enqueue(request.id);
    const done = await h.settled(request.id);

    expect(done.state).toBe('succeeded');
    expect(h.resetCalls('happy')).toHaveLength(1);
    const operation = h.lightsail.operations().find((op) => op.distributionName === 'happy');
    expect(done.operationId).toBe(operation?.id);
    const job = await h.queue.getJob(request.id);
    expect(job?.data.operationId).toBe(operation?.id);
    const thread = h.thread(request);
    expect(thread[0]).toMatch(new RegExp(`Reset started.*${operation?.id}`));
    expect(thread.at(-1)).toMatch(/<@U0REQUEST>.*\*Succeeded\* in \d+s/);
    const card = h.slack.message('C0WORKER', request.cardTs as string);
    expect(JSON.stringify(card?.blocks)).toContain('succeeded');
    expect(JSON.stringify(card?.blocks)).not.toContain('approve_reset');
  });

  it('edits the card and replies once per change, and leaves nothing waiting in the job', async () => {
    const request = await h.approvedRequest('happy');
    const slackFrom = h.slack.calls.length;
    await h.enqueue(request.id);
    await h.settled(request.id);
    await h.slack.waitFor(
      () => h.slack.calls.slice(slackFrom).filter((c) => c.method === 'chat.update').length >= 2,
    );
    const calls = h.slack.calls
      .slice(slackFrom)
      .filter((c) => c.args.ts === request.cardTs || c.args.thread_ts === request.cardTs);
    // Started, then Succeeded: a card edit and a thread reply each, the edit first.
    expect(calls.map((c) => c.method)).toEqual([
      'chat.update',
      'chat.postMessage',
      'chat.update',
      'chat.postMessage',
    ]);
    const job = await h.queue.getJob(request.id);
    expect(job?.data.outbox).toEqual([]);
    expect(job?.data.runningSince).toBe((await h.store.get(request.id))?.startedAt);
  });

  it('signs every Lightsail call for us-east-1 although AWS_REGION says eu-west-1', async () => {
    expect(process.env.AWS_REGION).toBe('eu-west-1');
    const request = await h.approvedRequest('happy');
    await h.enqueue(request.id);
    await h.settled(request.id);
    const regions = new Set(h.lightsail.calls.map((call) => call.region));
    expect([...regions]).toEqual(['us-east-1']);
  });

  it('posts a reply for each status change, and none for polls that change nothing', async () => {
    h.lightsail.setOperationScript((name) =>
      name === 'status-steps'
        ? { statuses: ['NotStarted', 'NotStarted', 'Started', 'Started', 'Succeeded'] }
        : { statuses: ['Started', 'Started', 'Succeeded'] },
    );
    const request = await h.approvedRequest('status-steps');
    await h.enqueue(request.id);
    await h.settled(request.id);
    const thread = h.thread(request);
    expect(thread.filter((t) => t.includes('Status:'))).toEqual([
      expect.stringContaining('*NotStarted*'),
      expect.stringContaining('*Started*'),
    ]);
    expect(thread.at(-1)).toMatch(/Succeeded/);
  });

  it('writes nothing to the job for polls that find the operation as it was', async () => {
    h.lightsail.setOperationScript((name) =>
      name === 'quiet-polls'
        ? { statuses: [...Array(8).fill('Started'), 'Succeeded'] }
        : { statuses: ['Started', 'Started', 'Succeeded'] },
    );
    const request = await h.approvedRequest('quiet-polls');
    await h.enqueue(request.id);
    const pollsOf = () => {
      const op = h.lightsail.operations().find((o) => o.distributionName === 'quiet-polls');
      return h.lightsail.callsOf('GetOperation').filter((c) => c.input.operationId === op?.id).length;
    };
    // Once "Reset started" is in the thread (replies in this channel are paced) and a poll has come back
    // as it was, the job holds all it will until the operation ends.
    const first = await h.slack.waitFor(() => h.thread(request).length > 0 && pollsOf());
    await h.slack.waitFor(() => pollsOf() > first);
    const before = (await h.queue.getJob(request.id))?.data;
    expect(before?.outbox).toEqual([]);
    await h.slack.waitFor(() => pollsOf() >= first + 3);
    expect((await h.queue.getJob(request.id))?.data).toEqual(before);
    expect((await h.settled(request.id)).state).toBe('succeeded');
    expect(pollsOf()).toBe(9);
  });

  it('holds a reply whose slot came until the last post sent in the channel is far enough back', async () => {
    const request = await h.approvedRequest('paced');
    // Another process has just sent a post in the channel, late to its own slot: the schedule of
    // slots is free, but the last send was now.
    await h.redis.del(`${h.prefix}:channel-pace:${CHANNEL}`);
    const sentAt = Date.now();
    await h.redis.set(`${h.prefix}:channel-sent:${CHANNEL}`, String(sentAt), 'PX', 60_000);
    const from = h.slack.calls.length;
    await h.enqueue(request.id);
    await h.settled(request.id);
    const first = h.slack.calls
      .slice(from)
      .find((c) => c.method === 'chat.postMessage' && c.args.thread_ts === request.cardTs);
    expect(first?.args.text).toMatch(/Reset started/);
    expect(first?.at).toBeGreaterThanOrEqual(sentAt + CHANNEL_MIN_GAP_MS);
  });

  it('reports a Failed operation with its errorCode and errorDetails', async () => {
    h.lightsail.setOperationScript((name) =>
      name === 'failing-op'
        ? {
            statuses: ['Started', 'Failed'],
            errorCode: 'CacheResetFailed',
            errorDetails: 'origin <!channel> unreachable',
          }
        : { statuses: ['Started', 'Started', 'Succeeded'] },
    );
    const request = await h.approvedRequest('failing-op');
    await h.enqueue(request.id);
    const done = await h.settled(request.id);
    expect(done.state).toBe('failed');
    expect(done.errorCode).toBe('CacheResetFailed');
    const final = h.thread(request).at(-1);
    expect(final).toMatch(/Failed.*CacheResetFailed: origin &lt;!channel&gt; unreachable/);
    expect(final).not.toContain('<!channel>');
  });

  it('retries throttling with backoff, then succeeds with one reset', async () => {
    h.lightsail.injectFault('ResetDistributionCache', { kind: 'throttle' }, 2);
    const request = await h.approvedRequest('throttled');
    await h.enqueue(request.id);
    const done = await h.settled(request.id);
    expect(done.state).toBe('succeeded');
    const calls = h.resetCalls('throttled');
    expect(calls).toHaveLength(3);
    // after a failed attempt the worker first checks whether a reset was made anyway
    expect(
      h.lightsail
        .callsOf('GetDistributionLatestCacheReset')
        .filter((c) => c.input.distributionName === 'throttled'),
    ).toHaveLength(2);
  });

  it.each([
    [
      'gone-typed',
      { kind: 'error', type: 'NotFoundException', code: 'DoesNotExist', message: 'No such distribution' },
    ],
    ['gone-coded', { kind: 'error', code: 'DoesNotExist', message: 'No such distribution' }],
    [
      'denied-iam',
      { kind: 'error', type: 'AccessDeniedException', code: 'AccessDenied', message: 'not authorized' },
    ],
  ] as const)(
    'fails %s at once on a non-retryable error, with the reason in the thread',
    async (name, fault) => {
      h.lightsail.injectFault('ResetDistributionCache', fault, 1);
      const request = await h.approvedRequest(name);
      await h.enqueue(request.id);
      const done = await h.settled(request.id);
      expect(done.state).toBe('failed');
      expect(h.resetCalls(name)).toHaveLength(1);
      const final = h.thread(request).at(-1);
      expect(final).toMatch(/Failed\* before it started/);
      expect(final).toMatch(name === 'denied-iam' ? /not allowed/ : /does not exist/);
    },
  );

  it('gives up after a bounded number of 5xx answers and says so, never stuck', async () => {
    h.lightsail.injectFault('ResetDistributionCache', { kind: 'http', status: 500 }, 4);
    const request = await h.approvedRequest('five-hundreds');
    await h.enqueue(request.id);
    const done = await h.settled(request.id);
    expect(done.state).toBe('failed');
    expect(h.resetCalls('five-hundreds')).toHaveLength(4);
    expect(h.thread(request).at(-1)).toMatch(/kept failing \(4 attempts/);
  });

  it('goes on with the reset while Slack fails, and delivers every reply later, in order', async () => {
    const request = await h.approvedRequest('slack-down');
    h.slack.injectFault('chat.postMessage', { status: 500 }, 3);
    h.slack.injectFault('chat.update', { status: 503 }, 2);
    await h.enqueue(request.id);
    const done = await h.settled(request.id);
    expect(done.state).toBe('succeeded');
    expect(h.resetCalls('slack-down')).toHaveLength(1);
    const thread = h.thread(request);
    expect(thread[0]).toMatch(/Reset started/);
    expect(thread.at(-1)).toMatch(/Succeeded/);
    expect(thread).toHaveLength(2);
    const failedPosts = h.slack
      .callsOf('chat.postMessage')
      .filter((c) => c.args.thread_ts === request.cardTs);
    expect(failedPosts.length).toBeGreaterThanOrEqual(5);
  });

  it('never resets twice when the same approved request is queued again', async () => {
    const request = await h.approvedRequest('twice');
    await h.enqueue(request.id);
    await h.settled(request.id);
    await h.enqueue(request.id);
    const job = await h.queue.getJob(request.id);
    await job?.remove();
    await h.enqueue(request.id);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(h.resetCalls('twice')).toHaveLength(1);
    expect((await h.store.get(request.id))?.state).toBe('succeeded');
    expect(h.thread(request).filter((t) => t.includes('Succeeded'))).toHaveLength(1);
  });

  it('follows a reset that an interrupted attempt already made instead of starting another', async () => {
    const request = await h.approvedRequest('interrupted');
    // The earlier attempt moved the request to running and its call reached Lightsail, then the process died.
    await h.store.transition(
      request.id,
      'running',
      { startedAt: Date.now() },
      { event: 'started', actor: 'worker' },
    );
    const { LightsailClient, ResetDistributionCacheCommand } = await import('@aws-sdk/client-lightsail');
    const direct = new LightsailClient({ region: 'us-east-1' });
    await direct.send(new ResetDistributionCacheCommand({ distributionName: 'interrupted' }));
    direct.destroy();
    expect(h.resetCalls('interrupted')).toHaveLength(1);

    await h.enqueue(request.id);
    const done = await h.settled(request.id);
    expect(h.resetCalls('interrupted')).toHaveLength(1);
    expect(done.state).toBe('succeeded');
  });

  it('resumes polling the saved operation rather than resetting again', async () => {
    const request = await h.approvedRequest('resumed');
    const { LightsailClient, ResetDistributionCacheCommand } = await import('@aws-sdk/client-lightsail');
    const direct = new LightsailClient({ region: 'us-east-1' });
    const started = await direct.send(new ResetDistributionCacheCommand({ distributionName: 'resumed' }));
    direct.destroy();
    await h.store.transition(
      request.id,
      'running',
      { startedAt: Date.now(), operationId: started.operation?.id },
      { event: 'started', actor: 'worker' },
    );
    await h.enqueue(request.id);
    const done = await h.settled(request.id);
    expect(h.resetCalls('resumed')).toHaveLength(1);
    expect(done.state).toBe('succeeded');
    expect(done.operationId).toBe(started.operation?.id);
  });
});

describe('the reset worker when an operation never finishes', () => {
  const h = new WorkerHarness([{ name: 'forever' }]);

  beforeAll(async () => {
    await h.start({}, { intervalMs: 50, maxIntervalMs: 100, operationTimeoutMs: 700 });
    h.lightsail.setOperationScript({ statuses: ['Started'] });
  });
  afterAll(async () => {
    await h.stop();
  });

  it('stops polling after OPERATION_TIMEOUT and says what to check', async () => {
    const request = await h.approvedRequest('forever');
    await h.enqueue(request.id);
    const done = await h.settled(request.id);
    expect(done.state).toBe('failed');
    expect(done.errorCode).toBe('Timeout');
    expect(h.thread(request).at(-1)).toMatch(/Stopped waiting after .*still \*Started\*/);
    expect(h.resetCalls('forever')).toHaveLength(1);
    const polls = h.lightsail.callsOf('GetOperation').length;
    expect(polls).toBeGreaterThan(2);
    expect(polls).toBeLessThan(20);
  });
});
