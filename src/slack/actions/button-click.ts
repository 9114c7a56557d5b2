import type { RespondFn } from '@slack/bolt';
import { z } from 'zod';
import { REQUEST_ID } from '../../domain/reset-request.js';
import { publishHome } from '../../flow/app-home.js';
import type { FlowDeps } from '../../flow/flow-deps.js';

/** The part of a block_actions payload the card's buttons rely on, checked at the boundary. */
export const ButtonClickSchema = z.object({
  user: z.object({ id: z.string().min(1) }),
  trigger_id: z.string().optional(),
  actions: z.array(z.object({ value: z.string().regex(REQUEST_ID) })).min(1),
  container: z
    .object({
      type: z.string().optional(),
      message_ts: z.string().optional(),
      channel_id: z.string().optional(),
    })
    .optional(),
});

/** True for a click on the app's Home tab, which has no message to answer under. */
export function isHomeClick(body: unknown): boolean {
  const container = (body as { container?: { type?: unknown } } | undefined)?.container;
  return container?.type === 'view';
}

/**
 * How to tell the person who clicked what came of it: under the card, privately (response_url); on the
 * Home tab, by showing the tab again with the outcome on top (a success needs no words there: the tab
 * itself shows it).
 */
export function clickAnswerer(
  deps: FlowDeps,
  body: unknown,
  respond: RespondFn,
): (text: string | undefined) => Promise<void> {
  if (isHomeClick(body)) {
    const userId = (body as { user?: { id?: unknown } } | undefined)?.user?.id;
    return async (text) => {
      if (typeof userId === 'string') await publishHome(deps, userId, text);
    };
  }
  return async (text) => {
    if (text) await respond({ response_type: 'ephemeral', replace_original: false, text });
  };
}

/** The decision a click asks for, with the card it was made on (to refuse a button pointed at another request). */
export function clickedDecision(click: z.infer<typeof ButtonClickSchema>) {
  return {
    userId: click.user.id,
    requestId: click.actions[0]?.value ?? '',
    ...(click.container?.message_ts && click.container.channel_id
      ? { onCard: { ts: click.container.message_ts, channelId: click.container.channel_id } }
      : {}),
  };
}

export const MALFORMED_CLICK =
  ':warning: That button did not carry a request I understand. Nothing was changed.';
export const CLICK_FAILED =
  ':warning: Something went wrong on my side; your click was not recorded. Please try again in a minute.';
