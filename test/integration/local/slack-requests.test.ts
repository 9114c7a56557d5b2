import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  blockActionsBody,
  postToSlackEndpoint,
  signSlackRequest,
  slashCommandBody,
} from '../../../src/local/slack-requests.js';

describe('signSlackRequest', () => {
  it('signs v0:<ts>:<body> with HMAC-SHA256 of the signing secret', () => {
    const body = 'token=x&text=web-prod';
    const expected = `v0=${createHmac('sha256', 'shh').update(`v0:1764072000:${body}`).digest('hex')}`;
    expect(signSlackRequest('shh', body, 1764072000)).toEqual({
      'x-slack-request-timestamp': '1764072000',
      'x-slack-signature': expected,
    });
  });

  it('matches a vector computed by hand', () => {
    const body = 'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&command=%2Fweather&text=94070';
    const signature = signSlackRequest('8f742231b10e8888abcd99yyyzzz85a5', body, 1531420618);
    expect(signature['x-slack-signature']).toBe(
      'v0=a45771c0f181b7fb1752e9a26cc1ffb2c428f52ac8ab774ffa4adf8cf2874576',
    );
  });

  it('uses the current time by default', () => {
    const now = Math.floor(Date.now() / 1000);
    const ts = Number(signSlackRequest('s', '')['x-slack-request-timestamp']);
    expect(Math.abs(ts - now)).toBeLessThanOrEqual(1);
  });
});

describe('request bodies', () => {
  it('builds a slash command body the way Slack sends it', () => {
    const body = new URLSearchParams(
      slashCommandBody({
        text: 'web-prod',
        userId: 'U1',
        channelId: 'C1',
        responseUrl: 'http://x/response/1',
      }),
    );
    expect([...body.keys()]).toEqual([
      'token',
      'team_id',
      'team_domain',
      'channel_id',
      'channel_name',
      'user_id',
      'user_name',
      'command',
      'text',
      'api_app_id',
      'is_enterprise_install',
      'response_url',
      'trigger_id',
    ]);
    expect(body.get('command')).toBe('/lightsail-reset');
    expect(body.get('team_id')).toBe('T0FAKE');
    expect(body.get('text')).toBe('web-prod');
    expect(body.get('response_url')).toBe('http://x/response/1');
  });

  it('builds a block_actions payload for a button click', () => {
    const raw = blockActionsBody({
      userId: 'U2',
      channelId: 'C1',
      messageTs: '1764072000.000100',
      actionId: 'approve',
      value: 'R1',
      responseUrl: 'http://x/response/2',
    });
    expect(raw.startsWith('payload=')).toBe(true);
    const payload = JSON.parse(new URLSearchParams(raw).get('payload') ?? '{}');
    expect(payload).toMatchObject({
      type: 'block_actions',
      team: { id: 'T0FAKE' },
      user: { id: 'U2', team_id: 'T0FAKE' },
      container: { type: 'message', message_ts: '1764072000.000100', channel_id: 'C1', is_ephemeral: false },
      channel: { id: 'C1' },
      message: { ts: '1764072000.000100', type: 'message' },
      response_url: 'http://x/response/2',
      actions: [{ action_id: 'approve', value: 'R1', type: 'button' }],
    });
    expect(payload.actions[0].action_ts).toMatch(/^\d+\.\d{6}$/);
  });
});

describe('postToSlackEndpoint', () => {
  let server: Server;
  let url: string;
  const received: Array<{ headers: IncomingHttpHeaders; body: string }> = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => {
        body += chunk.toString('utf8');
      });
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('acked');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('posts form-encoded, signed with the given timestamp', async () => {
    const out = await postToSlackEndpoint(url, 'a=1', 'secret', { timestamp: 1764072000 });
    expect(out.status).toBe(200);
    expect(out.body).toBe('acked');
    const req = received.at(-1);
    expect(req?.body).toBe('a=1');
    expect(req?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(req?.headers['x-slack-request-timestamp']).toBe('1764072000');
    expect(req?.headers['x-slack-signature']).toBe(
      signSlackRequest('secret', 'a=1', 1764072000)['x-slack-signature'],
    );
  });

  it('sends no signature when the secret is null', async () => {
    await postToSlackEndpoint(url, 'a=2', null, { headers: { 'x-extra': 'yes' } });
    const req = received.at(-1);
    expect(req?.headers['x-slack-signature']).toBeUndefined();
    expect(req?.headers['x-extra']).toBe('yes');
  });
});
