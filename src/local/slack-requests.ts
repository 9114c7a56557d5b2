import { createHmac, randomBytes } from 'node:crypto';

const FAKE_APP_ID = 'A0FAKE';
const FAKE_TEAM_DOMAIN = 'fake';
// Slack still sends the deprecated verification token; nothing should rely on it.
const FAKE_VERIFICATION_TOKEN = 'fake-verification-token';

export function signSlackRequest(
  signingSecret: string,
  rawBody: string,
  timestamp: number = Math.floor(Date.now() / 1000),
): { 'x-slack-request-timestamp': string; 'x-slack-signature': string } {
  const ts = String(timestamp);
  const digest = createHmac('sha256', signingSecret).update(`v0:${ts}:${rawBody}`).digest('hex');
  return { 'x-slack-request-timestamp': ts, 'x-slack-signature': `v0=${digest}` };
}

function fakeTriggerId(): string {
  return `${Date.now()}.${Math.floor(Math.random() * 1e12)}.${randomBytes(16).toString('hex')}`;
}

function actionTs(): string {
  return (Date.now() / 1000).toFixed(6);
}

/** Who an interaction comes from, as every interaction payload says it. */
function sentBy(userId: string, teamId = 'T0FAKE', userName = userId.toLowerCase()) {
  return {
    team: { id: teamId, domain: FAKE_TEAM_DOMAIN },
    user: { id: userId, username: userName, team_id: teamId },
    api_app_id: FAKE_APP_ID,
    token: FAKE_VERIFICATION_TOKEN,
  };
}

/** Interactions are posted as a form with one field, the JSON payload. */
function interactionBody(payload: Record<string, unknown>): string {
  return `payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

export interface SlashCommand {
  text: string;
  userId: string;
  channelId: string;
  responseUrl: string;
  command?: string;
  teamId?: string;
  userName?: string;
  channelName?: string;
  triggerId?: string;
}

export function slashCommandBody(c: SlashCommand): string {
  return new URLSearchParams({
    token: FAKE_VERIFICATION_TOKEN,
    team_id: c.teamId ?? 'T0FAKE',
    team_domain: FAKE_TEAM_DOMAIN,
    channel_id: c.channelId,
    channel_name: c.channelName ?? c.channelId.toLowerCase(),
    user_id: c.userId,
    user_name: c.userName ?? c.userId.toLowerCase(),
    command: c.command ?? '/lightsail-reset',
    text: c.text,
    api_app_id: FAKE_APP_ID,
    is_enterprise_install: 'false',
    response_url: c.responseUrl,
    trigger_id: c.triggerId ?? fakeTriggerId(),
  }).toString();
}

export interface ButtonClick {
  userId: string;
  channelId: string;
  messageTs: string;
  actionId: string;
  value: string;
  blockId?: string;
  responseUrl: string;
  teamId?: string;
  triggerId?: string;
  userName?: string;
  messageText?: string;
  messageBlocks?: unknown[];
}

export function blockActionsBody(c: ButtonClick): string {
  const message: Record<string, unknown> = { type: 'message', ts: c.messageTs };
  if (c.messageText !== undefined) message.text = c.messageText;
  if (c.messageBlocks !== undefined) message.blocks = c.messageBlocks;
  const payload = {
    type: 'block_actions',
    ...sentBy(c.userId, c.teamId, c.userName),
    container: { type: 'message', message_ts: c.messageTs, channel_id: c.channelId, is_ephemeral: false },
    trigger_id: c.triggerId ?? fakeTriggerId(),
    is_enterprise_install: false,
    enterprise: null,
    channel: { id: c.channelId, name: c.channelId.toLowerCase() },
    message,
    state: { values: {} },
    response_url: c.responseUrl,
    actions: [
      {
        action_id: c.actionId,
        block_id: c.blockId ?? 'actions',
        value: c.value,
        type: 'button',
        action_ts: actionTs(),
      },
    ],
  };
  return interactionBody(payload);
}

export interface ViewSubmission {
  userId: string;
  callbackId: string;
  privateMetadata: string;
  /** state.values as Slack sends them: block id -> action id -> { type, value }. */
  values: Record<string, Record<string, { type: string; value: string | null }>>;
  teamId?: string;
}

/** A modal's submit, as Slack posts it to the interactivity URL. */
export function viewSubmissionBody(v: ViewSubmission): string {
  const payload = {
    type: 'view_submission',
    ...sentBy(v.userId, v.teamId),
    trigger_id: fakeTriggerId(),
    view: {
      id: 'V00000001',
      type: 'modal',
      callback_id: v.callbackId,
      private_metadata: v.privateMetadata,
      state: { values: v.values },
      hash: 'fakehash',
    },
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  };
  return interactionBody(payload);
}

/** A choice in a select menu (the picker), as Slack posts it: block_actions with `selected_option`. */
export interface MenuChoice {
  userId: string;
  channelId: string;
  actionId: string;
  value: string;
  /** Slack always sends one; left out only to test a payload without it. */
  responseUrl?: string;
  teamId?: string;
}

export function menuChoiceBody(c: MenuChoice): string {
  const payload = {
    type: 'block_actions',
    ...sentBy(c.userId, c.teamId),
    container: { type: 'message', message_ts: actionTs(), channel_id: c.channelId, is_ephemeral: true },
    trigger_id: fakeTriggerId(),
    channel: { id: c.channelId, name: c.channelId.toLowerCase() },
    state: { values: {} },
    response_url: c.responseUrl,
    actions: [
      {
        action_id: c.actionId,
        block_id: 'picker',
        type: 'external_select',
        selected_option: { text: { type: 'plain_text', text: c.value }, value: c.value },
        action_ts: actionTs(),
      },
    ],
  };
  return interactionBody(payload);
}

/** Type-ahead in an external select: Slack asks the app for options matching `value`. */
export function blockSuggestionBody(s: { userId: string; actionId: string; value: string; teamId?: string }) {
  const payload = {
    type: 'block_suggestion',
    ...sentBy(s.userId, s.teamId),
    container: { type: 'message', message_ts: actionTs(), is_ephemeral: true },
    action_id: s.actionId,
    block_id: 'picker',
    value: s.value,
  };
  return interactionBody(payload);
}

/** A button clicked on the app's Home tab: no channel, no message, no response_url. */
export function homeClickBody(c: { userId: string; actionId: string; value: string; teamId?: string }) {
  const payload = {
    type: 'block_actions',
    ...sentBy(c.userId, c.teamId),
    container: { type: 'view', view_id: `VHOME${c.userId}` },
    trigger_id: fakeTriggerId(),
    view: { id: `VHOME${c.userId}`, type: 'home', callback_id: '', hash: 'fakehash' },
    actions: [
      { action_id: c.actionId, block_id: 'home', value: c.value, type: 'button', action_ts: actionTs() },
    ],
  };
  return interactionBody(payload);
}

/** An Events API delivery (event_callback), as Slack posts it as JSON. */
export function eventCallbackBody(event: Record<string, unknown>, opts: { teamId?: string } = {}): string {
  return JSON.stringify({
    token: FAKE_VERIFICATION_TOKEN,
    team_id: opts.teamId ?? 'T0FAKE',
    api_app_id: FAKE_APP_ID,
    event,
    type: 'event_callback',
    event_id: `Ev${randomBytes(6).toString('hex').toUpperCase()}`,
    event_time: Math.floor(Date.now() / 1000),
  });
}

export function appHomeOpenedEvent(userId: string): Record<string, unknown> {
  return {
    type: 'app_home_opened',
    user: userId,
    channel: `D${userId.slice(1)}`,
    tab: 'home',
    event_ts: actionTs(),
  };
}

/** Slack runs a workflow step of this app: the event that asks the app to do it. */
export function functionExecutedEvent(e: {
  executionId: string;
  callbackId: string;
  inputs: Record<string, unknown>;
}): Record<string, unknown> {
  return {
    type: 'function_executed',
    function: {
      id: 'Fn0FAKE',
      callback_id: e.callbackId,
      title: 'Reset Lightsail cache (with approval)',
      type: 'app',
      input_parameters: [],
      output_parameters: [],
      app_id: FAKE_APP_ID,
      date_created: 1_700_000_000,
      date_updated: 1_700_000_000,
      date_deleted: 0,
    },
    inputs: e.inputs,
    function_execution_id: e.executionId,
    workflow_execution_id: `Wx${randomBytes(5).toString('hex').toUpperCase()}`,
    event_ts: actionTs(),
    // A short-lived token Slack gives each execution; the bot completes with its own token instead.
    bot_access_token: 'xwfp-fake-execution-token',
  };
}

export async function postToSlackEndpoint(
  url: string,
  rawBody: string,
  signingSecret: string | null,
  opts: { timestamp?: number; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: string; headers: Headers }> {
  const signature = signingSecret === null ? {} : signSlackRequest(signingSecret, rawBody, opts.timestamp);
  const json = rawBody.startsWith('{');
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': json ? 'application/json' : 'application/x-www-form-urlencoded',
      ...signature,
      ...opts.headers,
    },
    body: rawBody,
  });
  return { status: res.status, body: await res.text(), headers: res.headers };
}
