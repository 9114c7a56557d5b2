import type { WebClient } from '@slack/web-api';
import type { SlackMessageContent } from '../domain/approval-card.js';

/** Slack errors that will not go away by trying again. */
const PERMANENT_ERRORS = new Set([
  'not_in_channel',
  'channel_not_found',
  'is_archived',
  'message_not_found',
  'cant_update_message',
  'invalid_auth',
  'account_inactive',
  'token_revoked',
  'missing_scope',
  'invalid_blocks',
  'msg_too_long',
  'no_text',
]);

export function slackErrorCode(error: unknown): string | undefined {
  const data = (error as { data?: { error?: unknown } } | undefined)?.data;
  return typeof data?.error === 'string' ? data.error : undefined;
}

export function isPermanentSlackError(error: unknown): boolean {
  const code = slackErrorCode(error);
  return code !== undefined && PERMANENT_ERRORS.has(code);
}

/** Seconds Slack asked us to wait (HTTP 429 Retry-After), when it did. */
export function slackRetryAfterSeconds(error: unknown): number | undefined {
  const retryAfter = (error as { retryAfter?: unknown } | undefined)?.retryAfter;
  return typeof retryAfter === 'number' && retryAfter > 0 ? retryAfter : undefined;
}

export function isNotInChannel(error: unknown): boolean {
  const code = slackErrorCode(error);
  return code === 'not_in_channel' || code === 'channel_not_found';
}

/**
 * Spacing of chat.postMessage calls in one channel (cards and thread replies), across every process:
 * Slack allows about one a second; the margin absorbs timer jitter.
 */
export const CHANNEL_SPACING_MS = 1_100;
/** The least time between two posts actually sent in one channel, however late one of them woke. */
export const CHANNEL_MIN_GAP_MS = 1_050;

/** A schedule of send times per channel shared by every process (the request store keeps it in Redis). */
export interface ChannelPace {
  /** Reserves the next free send time in the channel, `spacingMs` after the previous one (or `now`). */
  reserveChannelSlot(channel: string, now: number, spacingMs: number): Promise<number>;
  /** Claims the channel for a post sent now: `now` if granted, else when to try again. */
  claimChannelSend(channel: string, now: number, minGapMs: number): Promise<number>;
}

/** The Slack Web API calls the bot makes, over a WebClient whose retry policy the caller chose. */
export class SlackMessenger {
  constructor(
    private readonly client: WebClient,
    private readonly onError: (method: string, error: string) => void = () => {},
  ) {}

  /** Runs one Web API call, counting its failure by method and Slack's error code. */
  private async call<T>(method: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      this.onError(method, slackErrorCode(error) ?? (error as { code?: string })?.code ?? 'unknown');
      throw error;
    }
  }

  /**
   * Posts a card; with `pace`, waits for the channel's next send time first, so that a burst of
   * requests in one channel is spread out like the thread replies. If the schedule cannot be read,
   * the card goes out at once: a late card is worse than an early one.
   */
  async postCard(channel: string, content: SlackMessageContent, pace?: ChannelPace): Promise<string> {
    if (pace) await waitForSlot(pace, channel);
    const res = await this.call('chat.postMessage', () =>
      this.client.chat.postMessage({
        channel,
        text: content.text,
        blocks: content.blocks,
        ...(content.metadata ? { metadata: content.metadata } : {}),
        unfurl_links: false,
      }),
    );
    if (!res.ts) throw new Error('chat.postMessage answered without a ts');
    return res.ts;
  }

  async updateCard(channel: string, ts: string, content: SlackMessageContent): Promise<void> {
    await this.call('chat.update', () =>
      this.client.chat.update({
        channel,
        ts,
        text: content.text,
        blocks: content.blocks,
        ...(content.metadata ? { metadata: content.metadata } : {}),
      }),
    );
  }

  async permalink(channel: string, ts: string): Promise<string | undefined> {
    const res = await this.call('chat.getPermalink', () =>
      this.client.chat.getPermalink({ channel, message_ts: ts }),
    );
    return res.permalink;
  }

  /** Opens a modal in answer to a click (trigger ids live for 3 seconds). */
  async openModal(triggerId: string, view: Record<string, unknown>): Promise<void> {
    await this.call('views.open', () =>
      this.client.views.open({ trigger_id: triggerId, view: view as never }),
    );
  }

  /** Shows a person their Home tab (replaces what it showed before). */
  async publishHome(userId: string, view: Record<string, unknown>): Promise<void> {
    await this.call('views.publish', () =>
      this.client.views.publish({ user_id: userId, view: view as never }),
    );
  }

  /** Ends a Workflow Builder step: its outputs go to the workflow's next step. */
  async completeStep(executionId: string, outputs: Record<string, string | number>): Promise<void> {
    await this.call('functions.completeSuccess', () =>
      this.client.functions.completeSuccess({ function_execution_id: executionId, outputs }),
    );
  }

  /** Ends a Workflow Builder step as failed: the workflow stops and shows `error` to its user. */
  async failStep(executionId: string, error: string): Promise<void> {
    await this.call('functions.completeError', () =>
      this.client.functions.completeError({ function_execution_id: executionId, error }),
    );
  }

  /** A plain top-level message (the audit channel's lines); `pace` as for postCard. */
  async post(channel: string, text: string, pace?: ChannelPace): Promise<void> {
    if (pace) await waitForSlot(pace, channel);
    await this.call('chat.postMessage', () =>
      this.client.chat.postMessage({ channel, text, unfurl_links: false, unfurl_media: false }),
    );
  }

  /** A reply in a thread; `pace` as for postCard (the reset worker paces its replies itself). */
  async reply(channel: string, threadTs: string, text: string, pace?: ChannelPace): Promise<void> {
    if (pace) await waitForSlot(pace, channel);
    await this.call('chat.postMessage', () =>
      this.client.chat.postMessage({
        channel,
        thread_ts: threadTs,
        text,
        unfurl_links: false,
        unfurl_media: false,
      }),
    );
  }
}

async function waitForSlot(pace: ChannelPace, channel: string): Promise<void> {
  let wait = 0;
  try {
    wait = (await pace.reserveChannelSlot(channel, Date.now(), CHANNEL_SPACING_MS)) - Date.now();
  } catch {
    return;
  }
  if (wait > 0) await sleep(wait);
  // The slot says when to aim; the claim holds a post that woke late from crowding the next one.
  for (let attempt = 0; attempt < 3; attempt++) {
    let at: number;
    const now = Date.now();
    try {
      at = await pace.claimChannelSend(channel, now, CHANNEL_MIN_GAP_MS);
    } catch {
      return;
    }
    if (at <= now) return;
    await sleep(at - now);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
