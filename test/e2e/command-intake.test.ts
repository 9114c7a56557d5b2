import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStand } from '../../src/local/local-stand.js';
import { ASK_JOB_OPTIONS, ASK_MAX_AGE_MS, type AskJobData, JOBS, QUEUES } from '../../src/queue/jobs.js';
import { cardIn, sleep, startStand } from '../support/stand.js';

// The web side acks a command and queues it; a worker answers it. Here the web process runs alone
// at first, so what it queued can be watched before any worker takes it.
describe('slash commands queued by the web side and answered by a worker', () => {
  let stand: LocalStand;
  let redis: Redis;
  let intake: Queue;
  beforeAll(async () => {
    stand = await startStand({ args: ['web'], extraDistributions: ['intake-1', 'intake-2'] });
    redis = new Redis(stand.redisUrl, { maxRetriesPerRequest: null });
    intake = new Queue(QUEUES.intake, { connection: redis, prefix: stand.prefix });
  });
  afterAll(async () => {
    await intake?.close();
    redis?.disconnect();
    await stand?.stop();
  });

  const responsesTo = (responseId: string) =>
    stand.slack.waitFor(() => {
      const replies = stand.responsesTo(responseId);
      return replies.length > 0 ? replies : undefined;
    }, 15_000);

  it('acks while no worker runs, loses nothing, and the card comes once a worker starts', async () => {
    const answer = await stand.command('intake-1', 'U0REQUEST', 'C0INTAKE1');
    expect(answer.status).toBe(200);
    await sleep(500);
    expect(stand.slack.messages('C0INTAKE1')).toHaveLength(0);
    expect(await intake.getJobCounts('wait')).toMatchObject({ wait: 1 });
    // Lightsail is not asked by the web side: the lookups are the worker's.
    expect(stand.lightsail.calls.filter((c) => c.input.distributionName === 'intake-1')).toHaveLength(0);

    await stand.startWorker();
    const { requestId } = await cardIn(stand, 'C0INTAKE1');
    expect(requestId).toBeTruthy();
    expect(stand.slack.messages('C0INTAKE1')).toHaveLength(1);
    expect(stand.responsesTo(answer.responseId)).toEqual([]);
    // The job ends just after the card (the card's ts is saved first).
    let counts: Record<string, number> = {};
    for (let i = 0; i < 50; i++) {
      counts = await intake.getJobCounts('wait', 'active', 'completed', 'failed');
      if (counts.active === 0) break;
      await sleep(100);
    }
    expect(counts).toMatchObject({ wait: 0, active: 0, failed: 0 });
  });

  it("answers a worker's refusal through the command's response_url", async () => {
    const answer = await stand.command('no-such-distribution', 'U0REQUEST', 'C0INTAKE2');
    expect(answer.status).toBe(200);
    const [reply] = await responsesTo(answer.responseId);
    expect(reply).toMatch(/no Lightsail distribution named `no-such-distribution`/);
    expect(stand.slack.messages('C0INTAKE2')).toHaveLength(0);
  });

  it('tries the response_url again when Slack answers 503, and the answer arrives once', async () => {
    stand.slack.injectFault('response_url', { status: 503 }, 2);
    const began = Date.now();
    const answer = await stand.command('status', 'U0REQUEST', 'C0INTAKE3');
    const replies = await responsesTo(answer.responseId);
    // Two refusals, then the backoffs between three tries (300 ms and 1 s) have passed.
    expect(Date.now() - began).toBeGreaterThanOrEqual(1300);
    expect(replies[0]).toMatch(/\*Cache resets in progress\*\n• `intake-1`: .*pending/);
    await sleep(1500);
    expect(stand.responsesTo(answer.responseId)).toHaveLength(1);
  });

  it('does not try again when the response_url is refused for good, and says so in the log', async () => {
    stand.slack.injectFault('response_url', { status: 404, body: 'expired_url' }, 1);
    const worker = stand.workers[0];
    const logFrom = worker?.output.length ?? 0;
    const answer = await stand.command('help-me', 'U0REQUEST', 'C0INTAKE7');
    await stand.slack.waitFor(() => worker?.output.slice(logFrom).includes('could not be answered'));
    expect(worker?.output.slice(logFrom)).toMatch(/the response_url answered HTTP 404/);
    await sleep(1500);
    // One try only: the fault took it, and nothing reached the sink afterwards.
    expect(stand.responsesTo(answer.responseId)).toEqual([]);
  });

  it('declines an ask that waited longer than any worker took, and requests nothing', async () => {
    const responseId = 'stale-ask';
    const stale: AskJobData = {
      text: 'intake-2',
      userId: 'U0REQUEST',
      channelId: 'C0INTAKE4',
      responseUrl: stand.slack.responseUrl(responseId),
      askedAt: Date.now() - ASK_MAX_AGE_MS - 60_000,
    };
    await intake.add(JOBS.ask, stale, ASK_JOB_OPTIONS);
    const [reply] = await responsesTo(responseId);
    expect(reply).toMatch(
      /couldn't get to your `\/lightsail-reset` from 11m ago in time, so nothing was requested/,
    );
    await sleep(300);
    expect(stand.slack.messages('C0INTAKE4')).toHaveLength(0);
    expect(stand.lightsail.calls.filter((c) => c.input.distributionName === 'intake-2')).toHaveLength(0);
  });

  it('drops a job that is not an ask it understands, posts nothing and keeps working', async () => {
    const before = stand.slack.calls.length;
    const beforeResponses = stand.slack.responses.length;
    for (const data of [
      {},
      {
        text: 'intake-2',
        userId: 'U0REQUEST',
        channelId: 'C0INTAKE5',
        responseUrl: 'file:///etc/passwd',
        askedAt: Date.now(),
      },
      {
        text: 'intake-2',
        userId: 'U0REQUEST',
        channelId: '',
        responseUrl: stand.slack.responseUrl('x'),
        askedAt: Date.now(),
      },
    ]) {
      await intake.add(JOBS.ask, data, ASK_JOB_OPTIONS);
    }
    await sleep(1000);
    expect(stand.slack.calls.slice(before).filter((c) => c.method === 'chat.postMessage')).toHaveLength(0);
    expect(stand.slack.responses.length).toBe(beforeResponses);
    expect(stand.workers[0]?.output).toMatch(/dropped a malformed ask/);

    // Still answering.
    const answer = await stand.command('intake-2', 'U0REQUEST', 'C0INTAKE6');
    expect(answer.status).toBe(200);
    await cardIn(stand, 'C0INTAKE6');
  });
});
