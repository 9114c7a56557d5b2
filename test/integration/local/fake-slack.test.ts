import { ErrorCode, WebClient } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeSlack } from '../../../src/local/fake-slack.js';

let fake: FakeSlack;

function client(token = 'xoxb-fake'): WebClient {
  return new WebClient(token, {
    slackApiUrl: fake.apiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
  });
}

async function rejection(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await promise;
  } catch (err) {
    return err as Error & Record<string, unknown>;
  }
  throw new Error('expected the call to fail');
}

const cardBlocks = [
  { type: 'section', text: { type: 'mrkdwn', text: '*web-prod* cache reset requested' } },
  {
    type: 'actions',
    block_id: 'decision',
    elements: [{ type: 'button', action_id: 'approve', text: { type: 'plain_text', text: 'Approve' } }],
  },
];

beforeEach(async () => {
  fake = new FakeSlack();
  await fake.start();
});

afterEach(async () => {
  await fake.stop();
});

describe('FakeSlack with the real WebClient', () => {
  it('answers auth.test as the bot', async () => {
    const out = await client().auth.test();
    expect(out).toMatchObject({ ok: true, team_id: 'T0FAKE', user_id: 'U0BOT', bot_id: 'B0BOT' });
    expect(fake.apiUrl).toBe(`${fake.url}api/`);
  });

  it('stores a posted message with its blocks parsed back to objects', async () => {
    const out = await client().chat.postMessage({
      channel: 'C1',
      text: 'web-prod reset requested',
      blocks: cardBlocks,
      metadata: { event_type: 'reset_requested', event_payload: { id: 'R1' } },
    });
    expect(out.ok).toBe(true);
    expect(out.channel).toBe('C1');
    expect(out.ts).toMatch(/^\d{10}\.\d{6}$/);
    expect(out.message?.blocks).toEqual(cardBlocks);

    const call = fake.callsOf('chat.postMessage')[0];
    expect(call?.args.blocks).toEqual(cardBlocks);
    expect(call?.args.metadata).toEqual({ event_type: 'reset_requested', event_payload: { id: 'R1' } });
    expect(call?.args).not.toHaveProperty('token');

    const stored = fake.message('C1', out.ts ?? '');
    expect(stored).toMatchObject({ channel: 'C1', text: 'web-prod reset requested', ephemeral: false });
    expect(stored?.blocks).toEqual(cardBlocks);
  });

  it('gives strictly increasing ts values and keeps replies in their thread', async () => {
    const c = client();
    const parent = await c.chat.postMessage({ channel: 'C1', text: 'card' });
    const r1 = await c.chat.postMessage({ channel: 'C1', text: 'Started', thread_ts: parent.ts });
    const r2 = await c.chat.postMessage({ channel: 'C1', text: 'Succeeded', thread_ts: parent.ts });
    await c.chat.postMessage({ channel: 'C2', text: 'elsewhere' });
    const tss = [parent.ts, r1.ts, r2.ts].map((ts) => Number(ts));
    expect(tss[0]).toBeLessThan(tss[1] ?? 0);
    expect(tss[1]).toBeLessThan(tss[2] ?? 0);
    expect(fake.thread('C1', parent.ts ?? '').map((m) => m.text)).toEqual(['Started', 'Succeeded']);
    expect(fake.messages('C1')).toHaveLength(3);
    expect(fake.messages()).toHaveLength(4);
  });

  it('updates a stored message and refuses an unknown one', async () => {
    const c = client();
    const posted = await c.chat.postMessage({ channel: 'C1', text: 'pending', blocks: cardBlocks });
    const updated = await c.chat.update({ channel: 'C1', ts: posted.ts ?? '', text: 'approved', blocks: [] });
    expect(updated).toMatchObject({ ok: true, channel: 'C1', ts: posted.ts });
    expect(fake.message('C1', posted.ts ?? '')).toMatchObject({ text: 'approved', blocks: [], updates: 1 });

    const err = await rejection(c.chat.update({ channel: 'C1', ts: '1.000100', text: 'x' }));
    expect(err.code).toBe(ErrorCode.PlatformError);
    expect((err.data as { error: string }).error).toBe('message_not_found');
  });

  it('reports not_in_channel and channel_not_found as platform errors', async () => {
    fake.setNotInChannel('C9');
    fake.setChannelNotFound('C404');
    const c = client();
    const notIn = await rejection(c.chat.postMessage({ channel: 'C9', text: 'hi' }));
    expect(notIn.code).toBe(ErrorCode.PlatformError);
    expect((notIn.data as { error: string }).error).toBe('not_in_channel');
    const missing = await rejection(c.chat.postMessage({ channel: 'C404', text: 'hi' }));
    expect((missing.data as { error: string }).error).toBe('channel_not_found');
    expect(fake.messages()).toEqual([]);
    const info = await c.conversations.info({ channel: 'C9' });
    expect(info.channel).toMatchObject({ id: 'C9', is_member: false });
  });

  it('surfaces an injected 500 as an HTTP error, once', async () => {
    fake.injectFault('chat.postMessage', { status: 500, body: 'boom' });
    const c = client();
    const err = await rejection(c.chat.postMessage({ channel: 'C1', text: 'hi' }));
    expect(err.code).toBe(ErrorCode.HTTPError);
    expect(err.statusCode).toBe(500);
    const second = await c.chat.postMessage({ channel: 'C1', text: 'hi again' });
    expect(second.ok).toBe(true);
    expect(fake.callsOf('chat.postMessage')).toHaveLength(2);
    expect(fake.messages().map((m) => m.text)).toEqual(['hi again']);
  });

  it('rejects a 429 at once with rejectRateLimitedCalls', async () => {
    fake.injectFault('*', { status: 429, headers: { 'retry-after': '1' } });
    const err = await rejection(client().chat.postMessage({ channel: 'C1', text: 'hi' }));
    expect(err.code).toBe(ErrorCode.RateLimitedError);
    expect(err.retryAfter).toBe(1);
  });

  it('answers an injected ok:false error and a dropped connection', async () => {
    fake.injectFault('chat.update', { error: 'ratelimited' });
    fake.injectFault('chat.postMessage', { drop: true });
    const c = client();
    const dropped = await rejection(c.chat.postMessage({ channel: 'C1', text: 'hi' }));
    expect(dropped.code).toBe(ErrorCode.RequestError);
    const posted = await c.chat.postMessage({ channel: 'C1', text: 'hi' });
    const refused = await rejection(c.chat.update({ channel: 'C1', ts: posted.ts ?? '', text: 'x' }));
    expect((refused.data as { error: string }).error).toBe('ratelimited');
  });

  it('refuses a wrong token with invalid_auth', async () => {
    const err = await rejection(client('xoxb-wrong').chat.postMessage({ channel: 'C1', text: 'hi' }));
    expect(err.code).toBe(ErrorCode.PlatformError);
    expect((err.data as { error: string }).error).toBe('invalid_auth');
    expect(fake.messages()).toEqual([]);
  });

  it('stores ephemerals per user and builds permalinks', async () => {
    const c = client();
    const eph = await c.chat.postEphemeral({ channel: 'C1', user: 'U1', text: 'only you' });
    expect(eph.message_ts).toMatch(/^\d+\.\d{6}$/);
    expect(fake.ephemerals('U1').map((m) => m.text)).toEqual(['only you']);
    expect(fake.ephemerals('U2')).toEqual([]);
    expect(fake.messages()).toEqual([]);
    const link = await c.chat.getPermalink({ channel: 'C1', message_ts: '1764072000.000100' });
    expect(link.permalink).toBe('https://fake.slack.test/archives/C1/p1764072000000100');
  });

  it('lists user group members and refuses an unknown group', async () => {
    fake.setUserGroup('S1', ['U1', 'U2']);
    const c = client();
    expect((await c.usergroups.users.list({ usergroup: 'S1' })).users).toEqual(['U1', 'U2']);
    const err = await rejection(c.usergroups.users.list({ usergroup: 'S2' }));
    expect((err.data as { error: string }).error).toBe('no_such_subteam');
  });

  it('answers an unknown method with unknown_method', async () => {
    const err = await rejection(client().apiCall('admin.everything.delete'));
    expect((err.data as { error: string }).error).toBe('unknown_method');
  });

  it('accepts JSON bodies', async () => {
    const res = await fetch(`${fake.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', authorization: 'Bearer xoxb-fake' },
      body: JSON.stringify({ channel: 'C1', text: 'json', blocks: cardBlocks }),
    });
    expect(await res.json()).toMatchObject({ ok: true, channel: 'C1' });
    expect(fake.messages('C1')[0]?.blocks).toEqual(cardBlocks);
  });

  it('records what is posted to a response_url', async () => {
    const url = fake.responseUrl('abc');
    expect(url).toBe(`${fake.url}response/abc`);
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        response_type: 'ephemeral',
        text: 'Unknown distribution',
        replace_original: false,
      }),
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('ok');
    expect(fake.responses).toEqual([
      {
        id: 'abc',
        body: { response_type: 'ephemeral', text: 'Unknown distribution', replace_original: false },
        at: expect.any(Number),
      },
    ]);
    expect(fake.calls).toEqual([]);
  });

  it('waits for a condition and times out with a clear message', async () => {
    setTimeout(() => void client().chat.postMessage({ channel: 'C1', text: 'later' }), 50);
    const message = await fake.waitFor(() => fake.messages('C1')[0]);
    expect(message.text).toBe('later');
    await expect(fake.waitFor(() => fake.messages('C2')[0], 100)).rejects.toThrow(/timed out after 100 ms/);
  });
});
