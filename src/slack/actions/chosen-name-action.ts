import { z } from 'zod';
import { checkDistributionName } from '../../domain/distribution-name.js';
import { PICKER_ACTION_ID } from '../../domain/distribution-picker.js';
import { code } from '../../domain/mrkdwn.js';
import { SUGGESTION_ACTION_ID } from '../../domain/suggestions.js';
import type { FlowDeps } from '../../flow/flow-deps.js';
import { requestReset } from '../../flow/request-reset.js';
import type { Metrics } from '../../observability/metrics.js';
import type { ActionListener, ActionRoutes } from './action-routes.js';
import { CLICK_FAILED, MALFORMED_CLICK } from './button-click.js';

/** A button carries the name as its value; a menu choice as its selected option's value. */
const ChosenNameSchema = z.object({
  user: z.object({ id: z.string().min(1) }),
  channel: z.object({ id: z.string().min(1) }),
  actions: z
    .array(
      z.union([
        z
          .object({ selected_option: z.object({ value: z.string() }) })
          .transform((a) => a.selected_option.value),
        z.object({ value: z.string() }).transform((a) => a.value),
      ]),
    )
    .min(1),
});

/**
 * A name chosen from a list, either a "Reset <name>" button under a did-you-mean answer or the picker
 * that `/lightsail-reset` alone shows: asks for that distribution as if its name had been typed.
 */
export function registerChosenNameActions(routes: ActionRoutes, deps: FlowDeps, metrics: Metrics): void {
  const listener: ActionListener = async ({ body, ack, respond, logger }) => {
    await ack();
    const click = ChosenNameSchema.safeParse(body);
    const name = click.success ? checkDistributionName(click.data.actions[0] ?? '') : undefined;
    if (!click.success || !name?.ok) {
      await respond({ response_type: 'ephemeral', replace_original: false, text: MALFORMED_CLICK });
      return;
    }
    try {
      const reply = await requestReset(deps, {
        userId: click.data.user.id,
        channelId: click.data.channel.id,
        distributionName: name.name,
      });
      metrics.requests.inc({ outcome: reply ? 'refused' : 'carded' });
      await respond({
        response_type: 'ephemeral',
        replace_original: true,
        ...(reply === undefined
          ? {
              text: `:white_check_mark: Asked for a cache reset of ${code(name.name)}; the card is in the channel.`,
            }
          : typeof reply === 'string'
            ? { text: reply }
            : reply),
      });
    } catch (error) {
      logger.error(`reset from a chosen name failed: ${String(error)}`);
      await respond({ response_type: 'ephemeral', replace_original: false, text: CLICK_FAILED });
    }
  };
  routes.action(new RegExp(`^${SUGGESTION_ACTION_ID}_\\d$`), listener);
  routes.action(PICKER_ACTION_ID, listener);
}
