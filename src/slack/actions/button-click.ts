import { z } from 'zod';
import { REQUEST_ID } from '../../domain/reset-request.js';

/** The part of a block_actions payload the card's buttons rely on, checked at the boundary. */
export const ButtonClickSchema = z.object({
  user: z.object({ id: z.string().min(1) }),
  trigger_id: z.string().optional(),
  actions: z.array(z.object({ value: z.string().regex(REQUEST_ID) })).min(1),
  container: z.object({ message_ts: z.string().optional(), channel_id: z.string().optional() }).optional(),
});

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
