import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FaultPlan } from './fault-plan.js';

export interface SlackCall {
  method: string;
  args: Record<string, unknown>;
  at: number;
}

export interface SlackMessage {
  channel: string;
  ts: string;
  threadTs?: string;
  text?: string;
  blocks?: unknown[];
  metadata?: unknown;
  user?: string;
  ephemeral: boolean;
  updates: number;
}

export type SlackFault =
  | { status: number; headers?: Record<string, string>; body?: string }
  | { error: string }
  | { delayMs: number }
  | { drop: true };

type Result = Record<string, unknown> & { ok: boolean };

const JSON_FIELDS = new Set(['blocks', 'attachments', 'metadata']);
// Faults keyed by this name hit the response_url sink; '*' never does.
const RESPONSE_URL_METHOD = 'response_url';
const BOT_USER_ID = 'U0BOT';
const BOT_ID = 'B0BOT';

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseArgs(contentType: string, raw: string): Record<string, unknown> {
  if (raw.trim() === '') return {};
  if (contentType.includes('application/json')) {
    try {
      const parsed: unknown = JSON.parse(raw);
      return parsed && typeof parsed === 'object' && !Array.isArray(parsed)
        ? (parsed as Record<string, unknown>)
        : {};
    } catch {
      return {};
    }
  }
  const args: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    if (JSON_FIELDS.has(key)) {
      try {
        args[key] = JSON.parse(value);
      } catch {
        args[key] = value;
      }
    } else {
      args[key] = value;
    }
  }
  return args;
}

function str(args: Record<string, unknown>, key: string): string | undefined {
  const value = args[key];
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

export class FakeSlack {
  readonly calls: SlackCall[] = [];
  readonly responses: Array<{ id: string; body: Record<string, unknown>; at: number }> = [];

  private readonly botToken: string;
  private readonly stored: SlackMessage[] = [];
  private readonly faultPlan = new FaultPlan<SlackFault>((target) => target !== RESPONSE_URL_METHOD);
  private readonly notInChannel = new Set<string>();
  private readonly missingChannels = new Set<string>();
  private readonly userGroups = new Map<string, string[]>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private lastTsMicros = 0;
  private server: Server | undefined;
  private base: string | undefined;

  constructor(opts: { botToken?: string } = {}) {
    this.botToken = opts.botToken ?? 'xoxb-fake';
  }

  get url(): string {
    if (!this.base) throw new Error('FakeSlack is not started: call start() first');
    return this.base;
  }

  get apiUrl(): string {
    return `${this.url}api/`;
  }

  responseUrl(id?: string): string {
    return `${this.url}response/${id ?? randomBytes(8).toString('hex')}`;
  }

  async start(port = 0): Promise<string> {
    if (this.server) throw new Error('FakeSlack is already started');
    const server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent && !res.destroyed) this.json(res, 500, { ok: false, error: String(err) });
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    this.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    return this.base;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  callsOf(method: string): SlackCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  messages(channel?: string): SlackMessage[] {
    return this.stored.filter((m) => !m.ephemeral && (channel === undefined || m.channel === channel));
  }

  thread(channel: string, ts: string): SlackMessage[] {
    return this.stored.filter((m) => !m.ephemeral && m.channel === channel && m.threadTs === ts);
  }

  message(channel: string, ts: string): SlackMessage | undefined {
    return this.stored.find((m) => m.channel === channel && m.ts === ts);
  }

  ephemerals(user?: string): SlackMessage[] {
    return this.stored.filter((m) => m.ephemeral && (user === undefined || m.user === user));
  }

  injectFault(method: string, fault: SlackFault, times = 1): void {
    this.faultPlan.inject(method, fault, times);
  }

  setNotInChannel(channel: string): void {
    this.notInChannel.add(channel);
  }

  setChannelNotFound(channel: string): void {
    this.missingChannels.add(channel);
  }

  setUserGroup(groupId: string, users: string[]): void {
    this.userGroups.set(groupId, [...users]);
  }

  async waitFor<T>(check: () => T | undefined | false | null, timeoutMs = 10_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let lastError: unknown;
    for (;;) {
      try {
        const value = check();
        if (value !== undefined && value !== false && value !== null) return value;
      } catch (err) {
        lastError = err;
      }
      if (Date.now() >= deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const recent = this.calls.slice(-10).map((c) => c.method);
    const reason = lastError instanceof Error ? `; last check error: ${lastError.message}` : '';
    throw new Error(
      `FakeSlack.waitFor timed out after ${timeoutMs} ms${reason}; last Web API calls: [${recent.join(', ')}]`,
    );
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const path = new URL(req.url ?? '/', 'http://fake').pathname;
    const contentType = req.headers['content-type'] ?? '';
    if (req.method === 'POST' && path.startsWith('/api/')) {
      await this.handleApi(req, res, path.slice('/api/'.length), parseArgs(contentType, raw));
    } else if (req.method === 'POST' && path.startsWith('/response/')) {
      await this.handleResponseUrl(
        req,
        res,
        decodeURIComponent(path.slice('/response/'.length)),
        contentType,
        raw,
      );
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
    }
  }

  private async handleApi(
    req: IncomingMessage,
    res: ServerResponse,
    method: string,
    parsed: Record<string, unknown>,
  ): Promise<void> {
    const { token: formToken, ...args } = parsed;
    this.calls.push({ method, args, at: Date.now() });
    if (await this.applyFault(req, res, method)) return;

    const bearer = req.headers.authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
    const token = bearer ?? (typeof formToken === 'string' ? formToken : undefined);
    if (token === undefined || token === '') {
      this.json(res, 200, { ok: false, error: 'not_authed' });
    } else if (method === 'apps.connections.open') {
      // Socket Mode: opened with the app-level token, answered with the URL a test serves.
      this.json(
        res,
        200,
        token.startsWith('xapp-') && this.socketModeUrl
          ? { ok: true, url: this.socketModeUrl }
          : {
              ok: false,
              error: token.startsWith('xapp-') ? 'socket_mode_not_enabled' : 'not_allowed_token_type',
            },
      );
    } else if (token !== this.botToken) {
      this.json(res, 200, { ok: false, error: 'invalid_auth' });
    } else {
      this.json(res, 200, this.dispatch(method, args));
    }
  }

  private async handleResponseUrl(
    req: IncomingMessage,
    res: ServerResponse,
    id: string,
    contentType: string,
    raw: string,
  ): Promise<void> {
    if (await this.applyFault(req, res, RESPONSE_URL_METHOD)) return;
    this.responses.push({ id, body: parseArgs(contentType, raw), at: Date.now() });
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('ok');
  }

  private async applyFault(req: IncomingMessage, res: ServerResponse, method: string): Promise<boolean> {
    const fault = this.takeFault(method);
    if (!fault) return false;
    if ('drop' in fault) {
      req.socket.destroy();
      return true;
    }
    if ('delayMs' in fault) {
      await this.sleep(fault.delayMs);
      return res.destroyed;
    }
    if ('error' in fault) {
      this.json(res, 200, { ok: false, error: fault.error });
      return true;
    }
    const body = fault.body ?? '';
    res.writeHead(fault.status, {
      'content-type': body.trimStart().startsWith('{') ? 'application/json; charset=utf-8' : 'text/plain',
      ...fault.headers,
    });
    res.end(body);
    return true;
  }

  /** From now on, each call of the named methods fails with probability `rate`, with one of `faults`. */
  setRandomFaults(
    rate: number,
    faults: SlackFault[],
    methods: string[] = ['*'],
    random: () => number = Math.random,
  ): void {
    this.faultPlan.setRandom(rate, faults, methods, random);
  }

  /** How many faults were injected at random, by method. */
  get randomFaultCounts(): ReadonlyMap<string, number> {
    return this.faultPlan.randomCounts;
  }

  private takeFault(method: string): SlackFault | undefined {
    return this.faultPlan.take(method);
  }

  private dispatch(method: string, args: Record<string, unknown>): Result {
    switch (method) {
      case 'auth.test':
        return {
          ok: true,
          url: 'https://fake.slack.test/',
          team: 'Fake',
          user: 'lightsail-reset',
          team_id: 'T0FAKE',
          user_id: BOT_USER_ID,
          bot_id: BOT_ID,
          ...(this.enterpriseId
            ? { enterprise_id: this.enterpriseId, is_enterprise_install: true }
            : { is_enterprise_install: false }),
        };
      case 'chat.postMessage':
        return this.postMessage(args);
      case 'chat.update':
        return this.update(args);
      case 'chat.postEphemeral':
        return this.postEphemeral(args);
      case 'chat.getPermalink':
        return this.getPermalink(args);
      case 'usergroups.users.list': {
        const users = this.userGroups.get(str(args, 'usergroup') ?? '');
        return users ? { ok: true, users: [...users] } : { ok: false, error: 'no_such_subteam' };
      }
      case 'conversations.info': {
        const channel = str(args, 'channel');
        if (!channel || this.missingChannels.has(channel)) return { ok: false, error: 'channel_not_found' };
        return {
          ok: true,
          channel: { id: channel, name: channel.toLowerCase(), is_member: !this.notInChannel.has(channel) },
        };
      }
      case 'views.publish':
        return this.publishView(args);
      case 'functions.completeSuccess':
      case 'functions.completeError':
        return this.completeFunction(method, args);
      case 'views.open': {
        const trigger = str(args, 'trigger_id');
        if (!trigger) return { ok: false, error: 'invalid_arguments' };
        const view = parseJsonArg(args.view);
        this.openedViews.push({ triggerId: trigger, view });
        return { ok: true, view: { id: `V${String(this.openedViews.length).padStart(8, '0')}`, ...view } };
      }
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }

  private socketModeUrl: string | undefined;

  private enterpriseId: string | undefined;

  /** From now on auth.test describes an org-wide install in this Enterprise Grid org. */
  setEnterpriseInstall(enterpriseId: string): void {
    this.enterpriseId = enterpriseId;
  }

  /** Where apps.connections.open sends a Socket Mode client (a ws:// server of the test's). */
  setSocketModeUrl(url: string): void {
    this.socketModeUrl = url;
  }

  /** App Home views published with views.publish, in order. */
  readonly publishedViews: Array<{ userId: string; view: Record<string, unknown>; at: number }> = [];

  /** The Home tab a person sees now: the last view published for them. */
  homeOf(userId: string): Record<string, unknown> | undefined {
    return this.publishedViews.filter((v) => v.userId === userId).at(-1)?.view;
  }

  private publishView(args: Record<string, unknown>): Result {
    const userId = str(args, 'user_id');
    const view = parseJsonArg(args.view);
    if (!userId || view.type !== 'home') return { ok: false, error: 'invalid_arguments' };
    this.publishedViews.push({ userId, view, at: Date.now() });
    return { ok: true, view: { id: `VHOME${userId}`, ...view } };
  }

  /** Workflow step executions this fake started (function_executed), and how each one ended. */
  private readonly executions = new Map<string, 'running' | 'completed'>();
  readonly completions: Array<{
    executionId: string;
    kind: 'success' | 'error';
    outputs?: Record<string, unknown>;
    error?: string;
    at: number;
  }> = [];

  /** Registers a running step execution, as Slack does before it sends function_executed. */
  startExecution(executionId: string): void {
    this.executions.set(executionId, 'running');
  }

  private completeFunction(method: string, args: Record<string, unknown>): Result {
    const executionId = str(args, 'function_execution_id');
    const state = executionId ? this.executions.get(executionId) : undefined;
    if (!executionId || state === undefined) return { ok: false, error: 'function_execution_not_found' };
    if (state !== 'running') return { ok: false, error: 'execution_not_in_running_state' };
    if (method === 'functions.completeSuccess') {
      const outputs = parseJsonArg(args.outputs);
      this.executions.set(executionId, 'completed');
      this.completions.push({ executionId, kind: 'success', outputs, at: Date.now() });
    } else {
      const error = str(args, 'error');
      if (!error) return { ok: false, error: 'invalid_arguments' };
      this.executions.set(executionId, 'completed');
      this.completions.push({ executionId, kind: 'error', error, at: Date.now() });
    }
    return { ok: true };
  }

  /** Modals opened with views.open, in order. */
  readonly openedViews: Array<{ triggerId: string; view: Record<string, unknown> }> = [];

  private channelError(channel: string | undefined): Result | undefined {
    if (channel === undefined || channel === '' || this.missingChannels.has(channel)) {
      return { ok: false, error: 'channel_not_found' };
    }
    if (this.notInChannel.has(channel)) return { ok: false, error: 'not_in_channel' };
    return undefined;
  }

  private postMessage(args: Record<string, unknown>): Result {
    const channel = str(args, 'channel');
    const refused = this.channelError(channel);
    if (refused || channel === undefined) return refused ?? { ok: false, error: 'channel_not_found' };
    const text = str(args, 'text');
    const blocks = Array.isArray(args.blocks) ? (args.blocks as unknown[]) : undefined;
    if (!text && !blocks?.length) return { ok: false, error: 'no_text' };
    const stored: SlackMessage = { channel, ts: this.nextTs(), ephemeral: false, updates: 0 };
    const threadTs = str(args, 'thread_ts');
    if (threadTs) stored.threadTs = threadTs;
    if (text !== undefined) stored.text = text;
    if (blocks) stored.blocks = blocks;
    if (args.metadata !== undefined) stored.metadata = args.metadata;
    this.stored.push(stored);
    return { ok: true, channel, ts: stored.ts, message: this.messageJson(stored) };
  }

  private update(args: Record<string, unknown>): Result {
    const channel = str(args, 'channel');
    const ts = str(args, 'ts');
    if (!channel || this.missingChannels.has(channel)) return { ok: false, error: 'channel_not_found' };
    const stored = this.stored.find((m) => !m.ephemeral && m.channel === channel && m.ts === ts);
    if (!stored) return { ok: false, error: 'message_not_found' };
    const text = str(args, 'text');
    if (text !== undefined) stored.text = text;
    if (Array.isArray(args.blocks)) stored.blocks = args.blocks as unknown[];
    if (args.metadata !== undefined) stored.metadata = args.metadata;
    stored.updates += 1;
    return { ok: true, channel, ts: stored.ts, text: stored.text ?? '', message: this.messageJson(stored) };
  }

  private postEphemeral(args: Record<string, unknown>): Result {
    const channel = str(args, 'channel');
    const user = str(args, 'user');
    const refused = this.channelError(channel);
    if (refused || channel === undefined) return refused ?? { ok: false, error: 'channel_not_found' };
    if (!user) return { ok: false, error: 'user_not_found' };
    const text = str(args, 'text');
    const blocks = Array.isArray(args.blocks) ? (args.blocks as unknown[]) : undefined;
    if (!text && !blocks?.length) return { ok: false, error: 'no_text' };
    const stored: SlackMessage = { channel, ts: this.nextTs(), user, ephemeral: true, updates: 0 };
    const threadTs = str(args, 'thread_ts');
    if (threadTs) stored.threadTs = threadTs;
    if (text !== undefined) stored.text = text;
    if (blocks) stored.blocks = blocks;
    this.stored.push(stored);
    return { ok: true, message_ts: stored.ts };
  }

  private getPermalink(args: Record<string, unknown>): Result {
    const channel = str(args, 'channel');
    const ts = str(args, 'message_ts');
    if (!channel || this.missingChannels.has(channel)) return { ok: false, error: 'channel_not_found' };
    if (!ts) return { ok: false, error: 'message_not_found' };
    return {
      ok: true,
      channel,
      permalink: `https://fake.slack.test/archives/${channel}/p${ts.replace('.', '')}`,
    };
  }

  private messageJson(m: SlackMessage): Record<string, unknown> {
    const json: Record<string, unknown> = {
      type: 'message',
      user: BOT_USER_ID,
      bot_id: BOT_ID,
      ts: m.ts,
      text: m.text ?? '',
    };
    if (m.threadTs) json.thread_ts = m.threadTs;
    if (m.blocks) json.blocks = m.blocks;
    if (m.metadata !== undefined) json.metadata = m.metadata;
    return json;
  }

  private nextTs(): string {
    this.lastTsMicros = Math.max(Date.now() * 1000, this.lastTsMicros + 100);
    const seconds = Math.floor(this.lastTsMicros / 1_000_000);
    const micros = this.lastTsMicros % 1_000_000;
    return `${seconds}.${String(micros).padStart(6, '0')}`;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }

  private json(res: ServerResponse, status: number, body: unknown): void {
    if (res.destroyed) return;
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(text),
      'x-slack-req-id': randomBytes(16).toString('hex'),
    });
    res.end(text);
  }
}

function parseJsonArg(value: unknown): Record<string, unknown> {
  if (typeof value === 'object' && value !== null) return value as Record<string, unknown>;
  if (typeof value !== 'string') return {};
  try {
    const parsed: unknown = JSON.parse(value);
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
