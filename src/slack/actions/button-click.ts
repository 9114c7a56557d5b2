import { z } from 'zod';
import { REQUEST_ID } from '../../domain/reset-request.js';

/** The part of a block_actions payload the card's buttons rely on, checked at the boundary. */
export const ButtonClickSchema = z.object({
  user: z.object({ id: z.string().min(1) }),
  trigger_id: z.string().optional(),
  actions: z.array(z.object({ value: z.string().regex(REQUEST_ID) })).min(1),
});

export const MALFORMED_CLICK =
  ':warning: That button did not carry a request I understand. Nothing was changed.';
export const CLICK_FAILED =
  ':warning: Something went wrong on my side; your click was not recorded. Please try again in a minute.';
