import { randomBytes } from 'node:crypto';
import { DENY_DIALOG, denyDialogMetadata } from '../domain/deny-dialog.js';
import { AppProcess } from './app-process.js';
import { type FakeDistribution, FakeLightsail } from './fake-lightsail.js';
import { FakeSlack } from './fake-slack.js';
import { freePort, type RedisServerHandle, startRedisServer } from './redis-server.js';
import {
  appHomeOpenedEvent,
  blockActionsBody,
  blockSuggestionBody,
  eventCallbackBody,
  functionExecutedEvent,
  homeClickBody,
  menuChoiceBody,
  postToSlackEndpoint,
  slashCommandBody,
  viewSubmissionBody,
} from './slack-requests.js';

export const STAND_SIGNING_SECRET = 'stand-signing-secret-0123456789';
export const STAND_BOT_TOKEN = 'xoxb-fake';

export const DEMO_PEOPLE = {
  requester: 'U0REQUEST',
  approver: 'U0APPROVE',
  secondApprover: 'U0APPROV2',
  bystander: 'U0BYSTAND',
} as const;
export const DEMO_CHANNEL = 'C0DEPLOYS';

export const DEMO_DISTRIBUTIONS: FakeDistribution[] = [
  {
    name: 'web-prod',
    domainName: 'd111111abcdef8.cloudfront.net',
    alternativeDomainNames: ['www.example.com'],
  },
  { name: 'web-staging', domainName: 'd222222abcdef8.cloudfront.net' },
  { name: 'docs_site', domainName: 'd333333abcdef8.cloudfront.net' },
];

export interface StandOptions {
  /** Extra or overriding environment for the app. */
  env?: Record<string, string>;
  distributions?: FakeDistribution[];
  /** Use this Redis instead of starting one (REDIS_URL). */
  redisUrl?: string;
  appendOnly?: boolean;
  args?: string[];
  /** Runs once the fakes are up and before the app starts (to prepare the fakes). */
  beforeApp?: (stand: LocalStand) => void;
}

/**
 * Everything the bot talks to, on loopback: a redis-server, the fake Slack Web API, the fake
 * Lightsail, and the built app as a child process. The demo and the end-to-end tests drive it.
 */
export class LocalStand {
  readonly slack = new FakeSlack({ botToken: STAND_BOT_TOKEN });
  readonly lightsail: FakeLightsail;
  redis: RedisServerHandle | undefined;
  redisUrl = '';
  port = 0;
  app: AppProcess | undefined;
  readonly prefix = `lsr-test-${randomBytes(4).toString('hex')}`;
  private env: Record<string, string> = {};

  constructor(private readonly options: StandOptions = {}) {
    this.lightsail = new FakeLightsail({ distributions: options.distributions ?? DEMO_DISTRIBUTIONS });
  }

  async start(): Promise<this> {
    await Promise.all([this.slack.start(), this.lightsail.start()]);
    if (this.options.redisUrl) {
      this.redisUrl = this.options.redisUrl;
    } else {
      this.redis = await startRedisServer({ appendOnly: this.options.appendOnly ?? false });
      this.redisUrl = this.redis.url;
    }
    this.port = await freePort();
    this.env = {
      SLACK_BOT_TOKEN: STAND_BOT_TOKEN,
      SLACK_SIGNING_SECRET: STAND_SIGNING_SECRET,
      SLACK_API_URL: this.slack.apiUrl,
      PORT: String(this.port),
      REDIS_URL: this.redisUrl,
      QUEUE_PREFIX: this.prefix,
      APPROVER_USER_IDS: `${DEMO_PEOPLE.approver},${DEMO_PEOPLE.secondApprover}`,
      APPROVAL_TTL: '30m',
      POLL_INTERVAL_MS: '100',
      POLL_MAX_INTERVAL_MS: '400',
      OPERATION_TIMEOUT: '2m',
      LOG_LEVEL: 'info',
      // Signed for eu-west-1 on purpose: the bot must still sign Lightsail calls for us-east-1.
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'AKIDLOCALSTAND',
      AWS_SECRET_ACCESS_KEY: 'local-stand-secret-key',
      AWS_ENDPOINT_URL_LIGHTSAIL: this.lightsail.url,
      ...this.options.env,
    };
    this.options.beforeApp?.(this);
    await this.startApp();
    return this;
  }

  async startApp(extraEnv: Record<string, string> = {}): Promise<void> {
    this.app = new AppProcess({ ...this.env, ...extraEnv }, this.options.args ?? []);
    await this.app.start(this.port);
  }

  /** One more process in the worker role (its health routes on a port of its own). */
  async startWorker(extraEnv: Record<string, string> = {}): Promise<AppProcess> {
    const port = await freePort();
    const worker = new AppProcess({ ...this.env, ...extraEnv, PORT: String(port) }, ['worker']);
    await worker.start(port);
    this.workers.push(worker);
    return worker;
  }

  readonly workers: AppProcess[] = [];

  get eventsUrl(): string {
    return `http://127.0.0.1:${this.port}/slack/events`;
  }

  /** Types `/lightsail-reset <text>` as `user` in `channel`; resolves the HTTP answer (the ack). */
  async command(text: string, user: string = DEMO_PEOPLE.requester, channel: string = DEMO_CHANNEL) {
    const responseId = randomBytes(6).toString('hex');
    const body = slashCommandBody({
      text,
      userId: user,
      channelId: channel,
      responseUrl: this.slack.responseUrl(responseId),
    });
    return { ...(await postToSlackEndpoint(this.eventsUrl, body, STAND_SIGNING_SECRET)), responseId };
  }

  /** Clicks a button of the card whose ts is `cardTs`. */
  async click(
    actionId: string,
    requestId: string,
    user: string,
    cardTs: string,
    channel: string = DEMO_CHANNEL,
  ) {
    const responseId = randomBytes(6).toString('hex');
    const body = blockActionsBody({
      userId: user,
      channelId: channel,
      messageTs: cardTs,
      actionId,
      value: requestId,
      responseUrl: this.slack.responseUrl(responseId),
    });
    return { ...(await postToSlackEndpoint(this.eventsUrl, body, STAND_SIGNING_SECRET)), responseId };
  }

  /** Submits the Deny dialog (opened by a Deny click) with a reason; resolves the HTTP answer (the ack). */
  async submitDenyReason(requestId: string, user: string, reason: string | null, fromHome = false) {
    const body = viewSubmissionBody({
      userId: user,
      callbackId: DENY_DIALOG.callbackId,
      privateMetadata: denyDialogMetadata(requestId, fromHome),
      values: {
        [DENY_DIALOG.blockId]: { [DENY_DIALOG.actionId]: { type: 'plain_text_input', value: reason } },
      },
    });
    return postToSlackEndpoint(this.eventsUrl, body, STAND_SIGNING_SECRET);
  }

  /** Picks `name` in the distribution picker (the ephemeral menu `/lightsail-reset` alone shows). */
  async choose(actionId: string, name: string, user: string = DEMO_PEOPLE.requester, channel = DEMO_CHANNEL) {
    const responseId = randomBytes(6).toString('hex');
    const body = menuChoiceBody({
      userId: user,
      channelId: channel,
      actionId,
      value: name,
      responseUrl: this.slack.responseUrl(responseId),
    });
    return { ...(await postToSlackEndpoint(this.eventsUrl, body, STAND_SIGNING_SECRET)), responseId };
  }

  /** Types `typed` into the picker's type-ahead; resolves the HTTP answer (the options, as JSON text). */
  async suggest(actionId: string, typed: string, user: string = DEMO_PEOPLE.requester) {
    const body = blockSuggestionBody({ userId: user, actionId, value: typed });
    return postToSlackEndpoint(this.eventsUrl, body, STAND_SIGNING_SECRET);
  }

  /** Opens the app's Home tab as `user` (Slack sends app_home_opened). */
  async openHome(user: string) {
    return this.deliverEvent(appHomeOpenedEvent(user));
  }

  /** Clicks a button on `user`'s Home tab. */
  async clickInHome(actionId: string, value: string, user: string) {
    const body = homeClickBody({ userId: user, actionId, value });
    return postToSlackEndpoint(this.eventsUrl, body, STAND_SIGNING_SECRET);
  }

  /** A workflow reaches this app's step: the fake Slack registers the execution, then delivers the event. */
  async executeStep(callbackId: string, inputs: Record<string, unknown>, executionId?: string) {
    const id = executionId ?? `Fx${randomBytes(5).toString('hex').toUpperCase()}`;
    this.slack.startExecution(id);
    const res = await this.deliverEvent(functionExecutedEvent({ executionId: id, callbackId, inputs }));
    return { ...res, executionId: id };
  }

  async deliverEvent(event: Record<string, unknown>) {
    return postToSlackEndpoint(this.eventsUrl, eventCallbackBody(event), STAND_SIGNING_SECRET);
  }

  /** What the bot later said to that person through the response_url of one command or click. */
  responsesTo(responseId: string): string[] {
    return this.slack.responses.filter((r) => r.id === responseId).map((r) => String(r.body.text ?? ''));
  }

  async stop(): Promise<void> {
    await Promise.allSettled([this.app?.stop('SIGTERM'), ...this.workers.map((w) => w.stop('SIGTERM'))]);
    await Promise.allSettled([this.slack.stop(), this.lightsail.stop(), this.redis?.stop()]);
  }
}
