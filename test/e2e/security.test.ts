import { connect } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOME_REFRESH_ACTION_ID } from '../../src/domain/app-home.js';
import { ACTION_IDS } from '../../src/domain/approval-card.js';
import { PICKER_ACTION_ID } from '../../src/domain/distribution-picker.js';
import { SUGGESTION_ACTION_ID } from '../../src/domain/suggestions.js';
import { type LocalStand, STAND_BOT_TOKEN, STAND_SIGNING_SECRET } from '../../src/local/local-stand.js';
import {
  blockActionsBody,
  postToSlackEndpoint,
  signSlackRequest,
  slashCommandBody,
} from '../../src/local/slack-requests.js';
import { cardIn, cardText, resetCalls, sleep, startStand } from '../support/stand.js';

const SECRETS = [STAND_BOT_TOKEN, STAND_SIGNING_SECRET, 'local-stand-secret-key'];

describe('forged, replayed and hostile input', () => {
  let stand: LocalStand;
  const sideEffects = () => ({
    posts: stand.slack.callsOf('chat.postMessage').length,
    updates: stand.slack.callsOf('chat.update').length,
    resets: resetCalls(stand).length,
    responses: stand.slack.responses.length,
  });

  beforeAll(async () => {
    stand = await startStand({
      env: { LOG_LEVEL: 'debug' },
      extraDistributions: [
        'sec-replay',
        'sec-click',
        'sec-other',
        'sec-inject',
        'sec-matrix',
        'sec-made-up',
        'sec-other-card',
      ],
    });
  });
  afterAll(async () => {
    await stand?.stop();
  });

  const validCommand = (text = 'web-prod', overrides: Record<string, string> = {}) => {
    const params = new URLSearchParams(
      slashCommandBody({
        text,
        userId: 'U0REQUEST',
        channelId: 'C0SEC',
        responseUrl: stand.slack.responseUrl('sec'),
      }),
    );
    for (const [k, v] of Object.entries(overrides)) params.set(k, v);
    return params.toString();
  };

  const rawPost = async (body: string, headers: Record<string, string>) => {
    const res = await fetch(stand.eventsUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body,
    });
    return { status: res.status, body: await res.text() };
  };

  it.each([
    ['a wrong signature', () => postToSlackEndpoint(stand.eventsUrl, validCommand(), 'wrong-secret')],
    ['no signature headers', () => postToSlackEndpoint(stand.eventsUrl, validCommand(), null)],
    [
      'a signature but no timestamp',
      () => {
        const body = validCommand();
        const { 'x-slack-signature': signature } = signSlackRequest(STAND_SIGNING_SECRET, body);
        return rawPost(body, { 'x-slack-signature': signature });
      },
    ],
    [
      'a timestamp older than 5 minutes',
      () =>
        postToSlackEndpoint(stand.eventsUrl, validCommand(), STAND_SIGNING_SECRET, {
          timestamp: Math.floor(Date.now() / 1000) - 301,
        }),
    ],
    [
      'a timestamp from the future',
      () =>
        postToSlackEndpoint(stand.eventsUrl, validCommand(), STAND_SIGNING_SECRET, {
          timestamp: Math.floor(Date.now() / 1000) + 600,
        }),
    ],
    [
      'an oversized body',
      () => postToSlackEndpoint(stand.eventsUrl, validCommand('x'.repeat(200_000)), STAND_SIGNING_SECRET),
    ],
    ['a malformed form', () => postToSlackEndpoint(stand.eventsUrl, '%%%=&&=%', STAND_SIGNING_SECRET)],
    [
      'a dialog payload that also carries actions (Bolt would take it for a click no listener has)',
      () => {
        const payload = {
          type: 'view_submission',
          team: { id: 'T0FAKE' },
          user: { id: 'U0APPROVE' },
          view: { callback_id: 'deny_reason', private_metadata: '' },
          actions: [],
        };
        return postToSlackEndpoint(
          stand.eventsUrl,
          `payload=${encodeURIComponent(JSON.stringify(payload))}`,
          STAND_SIGNING_SECRET,
        );
      },
    ],
    [
      'malformed payload JSON',
      () => postToSlackEndpoint(stand.eventsUrl, 'payload=%7Bnot-json', STAND_SIGNING_SECRET),
    ],
  ])('refuses a request with %s, changing nothing and leaking nothing', async (_what, send) => {
    const before = sideEffects();
    const res = await send();
    expect(res.status).toBeGreaterThanOrEqual(400);
    for (const secret of SECRETS) expect(res.body).not.toContain(secret);
    expect(res.body).not.toMatch(/at .*\.js:\d+/);
    await sleep(200);
    expect(sideEffects()).toEqual(before);
    expect((await fetch(`http://127.0.0.1:${stand.port}/healthz`)).status).toBe(200);
  });

  it('lets go of a request whose client leaves mid-body, and keeps serving', async () => {
    const before = sideEffects();
    const logFrom = stand.app?.output.length ?? 0;
    const body = validCommand();
    const headers = signSlackRequest(STAND_SIGNING_SECRET, body);
    const socket = connect(stand.port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(
      [
        'POST /slack/events HTTP/1.1',
        `host: 127.0.0.1:${stand.port}`,
        'content-type: application/x-www-form-urlencoded',
        `content-length: ${body.length}`,
        ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
        '',
        body.slice(0, 40),
      ].join('\r\n'),
    );
    await sleep(100);
    socket.destroy();
    await stand.slack.waitFor(
      () => stand.app?.output.slice(logFrom).includes('could not read a Slack request') || undefined,
    );
    expect(sideEffects()).toEqual(before);
    expect((await fetch(`http://127.0.0.1:${stand.port}/healthz`)).status).toBe(200);
  });

  it('acks and ignores a signed request from another workspace', async () => {
    const before = sideEffects();
    const res = await postToSlackEndpoint(
      stand.eventsUrl,
      validCommand('sec-other', { team_id: 'T0OTHER' }),
      STAND_SIGNING_SECRET,
    );
    expect(res.status).toBe(200);
    await sleep(300);
    expect(sideEffects()).toEqual(before);
    expect(
      stand.lightsail.callsOf('GetDistributions').some((c) => c.input.distributionName === 'sec-other'),
    ).toBe(false);
  });

  it('in an org-wide install, serves every workspace of the org and none of another org', async () => {
    const org = await startStand({
      extraDistributions: ['sec-org'],
      beforeApp: (s) => s.slack.setEnterpriseInstall('E0ORG'),
    });
    try {
      const command = (team: string, enterprise: string, channel: string) =>
        postToSlackEndpoint(
          org.eventsUrl,
          `${slashCommandBody({ text: 'sec-org', userId: 'U0REQUEST', channelId: channel, responseUrl: org.slack.responseUrl(), teamId: team })}&enterprise_id=${enterprise}`,
          STAND_SIGNING_SECRET,
        );
      expect((await command('T0ELSE', 'E0OTHER', 'C0ORGB')).status).toBe(200);
      expect((await command('T0OTHER', 'E0ORG', 'C0ORGA')).status).toBe(200);
      await cardIn(org, 'C0ORGA');
      await sleep(200);
      expect(org.slack.messages('C0ORGB')).toHaveLength(0);
    } finally {
      await org.stop();
    }
  });

  it('acts once on a signed command replayed within the window or redelivered with X-Slack-Retry-Num', async () => {
    const body = slashCommandBody({
      text: 'sec-replay',
      userId: 'U0REQUEST',
      channelId: 'C0REPLAY',
      responseUrl: stand.slack.responseUrl('replay'),
    });
    const first = await postToSlackEndpoint(stand.eventsUrl, body, STAND_SIGNING_SECRET);
    expect(first.status).toBe(200);
    const { card } = await cardIn(stand, 'C0REPLAY');
    const again = await postToSlackEndpoint(stand.eventsUrl, body, STAND_SIGNING_SECRET);
    const retried = await postToSlackEndpoint(stand.eventsUrl, body, STAND_SIGNING_SECRET, {
      headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' },
    });
    expect([again.status, retried.status]).toEqual([200, 200]);
    await sleep(400);
    expect(stand.slack.messages('C0REPLAY').filter((m) => !m.threadTs)).toEqual([card]);
    expect(stand.responsesTo('replay')).toEqual([]);
  });

  it('acts once on a replayed Approve click', async () => {
    await stand.command('sec-click', 'U0REQUEST', 'C0CLICK');
    const { card, requestId } = await cardIn(stand, 'C0CLICK');
    const body = blockActionsBody({
      userId: 'U0APPROVE',
      channelId: 'C0CLICK',
      messageTs: card.ts,
      actionId: ACTION_IDS.approve,
      value: requestId,
      responseUrl: stand.slack.responseUrl('click-replay'),
    });
    await postToSlackEndpoint(stand.eventsUrl, body, STAND_SIGNING_SECRET);
    await postToSlackEndpoint(stand.eventsUrl, body, STAND_SIGNING_SECRET);
    await stand.slack.waitFor(() =>
      stand.slack.thread('C0CLICK', card.ts).find((m) => /Succeeded/.test(m.text ?? '')),
    );
    expect(resetCalls(stand, 'sec-click')).toHaveLength(1);
    expect(stand.responsesTo('click-replay')).toEqual([]);
  });

  it.each([
    ['a made-up request', 'sec-made-up', 'rnosuchrequest0000', /no record of this request/],
    ["another card's request", 'sec-other-card', 'OTHER', /does not belong to this request/],
  ])('refuses a button whose value names %s', async (_what, name, value, why) => {
    const channel = `C0${name.replace(/-/g, '').toUpperCase()}`;
    await stand.command(name, 'U0REQUEST', channel);
    const { card } = await cardIn(stand, channel);
    await stand.command('sec-matrix', 'U0REQUEST', `${channel}2`);
    const other = await cardIn(stand, `${channel}2`);
    const named = value === 'OTHER' ? other.requestId : value;
    const click = await stand.click(ACTION_IDS.approve, named, 'U0APPROVE', card.ts, channel);
    const [reply] = await stand.slack.waitFor(() => {
      const r = stand.responsesTo(click.responseId);
      return r.length ? r : undefined;
    });
    expect(reply).toMatch(why);
    await sleep(200);
    expect(resetCalls(stand, name)).toHaveLength(0);
    expect(resetCalls(stand, 'sec-matrix')).toHaveLength(0);
    // Free sec-matrix for the next row.
    await stand.click(ACTION_IDS.cancel, other.requestId, 'U0REQUEST', other.card.ts, `${channel}2`);
    await stand.slack.waitFor(() => stand.slack.thread(`${channel}2`, other.card.ts)[0]);
  });

  it('ignores an unknown action id without changing anything', async () => {
    const before = sideEffects();
    const body = blockActionsBody({
      userId: 'U0APPROVE',
      channelId: 'C0SEC',
      messageTs: '1.2',
      actionId: 'launch_missiles',
      value: 'rnosuchrequest0000',
      responseUrl: stand.slack.responseUrl('unknown-action'),
    });
    const res = await postToSlackEndpoint(stand.eventsUrl, body, STAND_SIGNING_SECRET);
    expect(res.status).toBeLessThan(500);
    await sleep(200);
    expect(sideEffects()).toEqual(before);
  });

  it('never lets a reason render as a ping, a link or formatting', async () => {
    await stand.command('sec-inject', 'U0REQUEST', 'C0INJECT');
    const { card, requestId } = await cardIn(stand, 'C0INJECT');
    await stand.click(ACTION_IDS.deny, requestId, 'U0APPROVE', card.ts, 'C0INJECT');
    await stand.submitDenyReason(
      requestId,
      'U0APPROVE',
      '<!channel> <!here> <@U0BOSS> <https://evil.example|click> *bold* _it_',
    );
    await stand.slack.waitFor(() => /denied by/.test(cardText(stand, 'C0INJECT', card.ts)) || undefined);
    const reply = await stand.slack.waitFor(() => stand.slack.thread('C0INJECT', card.ts)[0]?.text);
    for (const text of [reply, cardText(stand, 'C0INJECT', card.ts)]) {
      expect(text).not.toMatch(/<!channel>|<!here>|<@U0BOSS>|<https:/);
      expect(text).toContain(
        '`&lt;!channel&gt; &lt;!here&gt; &lt;@U0BOSS&gt; &lt;https://evil.example|click&gt; *bold* _it_`',
      );
    }
  });

  it('acks any command text, resets nothing for an invalid name, and keeps running (property)', async () => {
    const resetsBefore = resetCalls(stand).length;
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 300, unit: 'grapheme' }), async (text) => {
        const res = await postToSlackEndpoint(
          stand.eventsUrl,
          slashCommandBody({
            text,
            userId: 'U0FUZZ',
            channelId: 'C0FUZZ',
            responseUrl: stand.slack.responseUrl('fuzz'),
          }),
          STAND_SIGNING_SECRET,
        );
        expect(res.status).toBe(200);
        for (const secret of SECRETS) expect(res.body).not.toContain(secret);
      }),
      { numRuns: 1000 },
    );
    await sleep(500);
    // No generated text names a distribution that exists, so nothing can have been reset.
    expect(resetCalls(stand).length).toBe(resetsBefore);
    expect((await fetch(`http://127.0.0.1:${stand.port}/healthz`)).status).toBe(200);
  });

  it('survives random interaction payloads without changing anything (property)', async () => {
    const before = sideEffects();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.jsonValue(),
          fc.record({
            type: fc.constantFrom(
              'block_actions',
              'block_suggestion',
              'view_submission',
              'shortcut',
              'unknown',
            ),
            action_id: fc.constantFrom(PICKER_ACTION_ID, 'x'),
            value: fc.string(),
            container: fc.record({ type: fc.constantFrom('view', 'message') }),
            user: fc.record({ id: fc.string() }),
            actions: fc.array(
              fc.record({
                action_id: fc.constantFrom(
                  ...Object.values(ACTION_IDS),
                  PICKER_ACTION_ID,
                  HOME_REFRESH_ACTION_ID,
                  `${SUGGESTION_ACTION_ID}_0`,
                  'x',
                ),
                value: fc.string(),
                selected_option: fc.record({ value: fc.string() }),
              }),
            ),
            view: fc.record({
              callback_id: fc.constantFrom('deny_reason', 'x'),
              private_metadata: fc.string(),
            }),
            team: fc.record({ id: fc.constantFrom('T0FAKE', 'T0OTHER') }),
          }),
        ),
        async (payload) => {
          const body = `payload=${encodeURIComponent(JSON.stringify(payload))}`;
          const res = await postToSlackEndpoint(stand.eventsUrl, body, STAND_SIGNING_SECRET);
          expect(res.status).toBeLessThan(500);
        },
      ),
      { numRuns: 1000 },
    );
    await sleep(500);
    const after = sideEffects();
    expect(after.posts).toBe(before.posts);
    expect(after.resets).toBe(before.resets);
    expect((await fetch(`http://127.0.0.1:${stand.port}/healthz`)).status).toBe(200);
  });

  it('never writes a secret to its logs, its replies or /metrics', async () => {
    const metrics = await (await fetch(`http://127.0.0.1:${stand.port}/metrics`)).text();
    const replies = JSON.stringify(stand.slack.responses);
    const output = stand.app?.output ?? '';
    expect(output.length).toBeGreaterThan(1000);
    for (const secret of SECRETS) {
      expect(output).not.toContain(secret);
      expect(replies).not.toContain(secret);
      expect(metrics).not.toContain(secret);
    }
  });
});
