import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION_IDS } from '../../src/domain/approval-card.js';
import type { LocalStand } from '../../src/local/local-stand.js';
import { FakeSocketModeServer } from '../support/fake-socket-mode.js';
import { cardIn, resetCalls, startStand, waitForFinal } from '../support/stand.js';

describe('Socket Mode (SLACK_APP_TOKEN set)', () => {
  const socket = new FakeSocketModeServer();
  let stand: LocalStand;

  const command = (text: string, channel: string) =>
    socket.send('slash_commands', {
      token: 'legacy',
      team_id: 'T0FAKE',
      team_domain: 'fake',
      channel_id: channel,
      channel_name: channel.toLowerCase(),
      user_id: 'U0REQUEST',
      user_name: 'requester',
      command: '/lightsail-reset',
      text,
      api_app_id: 'A0FAKE',
      response_url: stand.slack.responseUrl(),
      trigger_id: `${Date.now()}.${randomBytes(8).toString('hex')}`,
    });

  // A button click on a message in C0SOCKET, by the approver, as Slack sends it over the socket.
  const click = (actionId: string, value: string, messageTs: string) =>
    socket.send('interactive', {
      type: 'block_actions',
      team: { id: 'T0FAKE', domain: 'fake' },
      user: { id: 'U0APPROVE', username: 'approver', team_id: 'T0FAKE' },
      api_app_id: 'A0FAKE',
      trigger_id: `${Date.now()}.${randomBytes(8).toString('hex')}`,
      container: { type: 'message', message_ts: messageTs, channel_id: 'C0SOCKET', is_ephemeral: false },
      channel: { id: 'C0SOCKET', name: 'c0socket' },
      message: { ts: messageTs, type: 'message' },
      response_url: stand.slack.responseUrl(),
      actions: [{ action_id: actionId, block_id: 'decision', value, type: 'button', action_ts: '1' }],
    });

  beforeAll(async () => {
    const url = await socket.start();
    stand = await startStand({
      env: { SLACK_APP_TOKEN: 'xapp-1-A0FAKE-socket-token', SLACK_SIGNING_SECRET: '' },
      extraDistributions: ['socket-one', 'socket-two'],
      // apps.connections.open must know the URL before the app starts
      beforeApp: (s) => s.slack.setSocketModeUrl(url),
    });
    await stand.slack.waitFor(() => socket.connected > 0 || undefined);
  });
  afterAll(async () => {
    await stand?.stop();
    await socket.stop();
  });

  it('takes a slash command and a click over the socket, acks both, and resets once', async () => {
    const commandEnvelope = command('socket-one', 'C0SOCKET');
    await stand.slack.waitFor(() => socket.acks.find((a) => a.envelope_id === commandEnvelope));
    const { card, requestId } = await cardIn(stand, 'C0SOCKET');

    const clickEnvelope = click(ACTION_IDS.approve, requestId, card.ts);
    await stand.slack.waitFor(() => socket.acks.find((a) => a.envelope_id === clickEnvelope));
    await waitForFinal(stand, 'C0SOCKET', card.ts);
    expect(resetCalls(stand, 'socket-one')).toHaveLength(1);
    expect(stand.slack.callsOf('apps.connections.open').length).toBeGreaterThan(0);
  });

  it('acks a click on an action the app does not have, and changes nothing', async () => {
    // Over HTTP the front refuses such a click; over the socket it reaches the app's action listener.
    const resetsBefore = stand.lightsail.callsOf('ResetDistributionCache').length;
    const postsBefore = stand.slack.callsOf('chat.postMessage').length;
    const responsesBefore = stand.slack.responses.length;
    const envelope = click('launch_missiles', 'r1', '1.2');
    await stand.slack.waitFor(() => socket.acks.find((a) => a.envelope_id === envelope));
    await stand.slack.waitFor(() => stand.app?.output.includes('launch_missiles') || undefined);
    expect(stand.lightsail.callsOf('ResetDistributionCache')).toHaveLength(resetsBefore);
    expect(stand.slack.callsOf('chat.postMessage')).toHaveLength(postsBefore);
    expect(stand.slack.responses).toHaveLength(responsesBefore);
  });

  it('reconnects after the socket drops and keeps working', async () => {
    const before = socket.connections;
    socket.dropAll();
    await stand.slack.waitFor(
      () => (socket.connections > before && socket.connected > 0) || undefined,
      20_000,
    );
    const envelope = command('socket-two', 'C0SOCKET2');
    await stand.slack.waitFor(() => socket.acks.find((a) => a.envelope_id === envelope));
    await cardIn(stand, 'C0SOCKET2');
  });

  it('still serves /healthz and /metrics on PORT', async () => {
    expect((await fetch(`http://127.0.0.1:${stand.port}/healthz`)).status).toBe(200);
    expect(await (await fetch(`http://127.0.0.1:${stand.port}/metrics`)).text()).toContain(
      'lightsail_reset_requests_total',
    );
  });
});
