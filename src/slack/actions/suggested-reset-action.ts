import type { App, BlockAction } from '@slack/bolt';
import { z } from 'zod';
import { checkDistributionName } from '../../domain/distribution-name.js';
import { code } from '../../domain/mrkdwn.js';
import { SUGGESTION_ACTION_ID } from '../../domain/suggestions.js';
import type { FlowDeps } from '../../flow/flow-deps.js';
import { requestReset } from '../../flow/request-reset.js';
import type { Metrics } from '../../observability/metrics.js';
import { CLICK_FAILED, MALFORMED_CLICK } from './button-click.js';

const SuggestionClickSchema = z.object({
  user: z.object({ id: z.string().min(1) }),
  channel: z.object({ id: z.string().min(1) }),
  actions: z.array(z.object({ value: z.string() })).min(1),
});

/** "Reset <name>" under a did-you-mean answer: asks for that distribution as if typed. */
export function registerSuggestedResetAction(app: App, deps: FlowDeps, metrics: Metrics): void {
  app.action<BlockAction>(
    new RegExp(`^${SUGGESTION_ACTION_ID}_\\d$`),
    async ({ body, ack, respond, logger }) => {
      await ack();
      const click = SuggestionClickSchema.safeParse(body);
      const name = click.success ? checkDistributionName(click.data.actions[0]?.value ?? '') : undefined;
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
        logger.error(`suggested reset failed: ${String(error)}`);
        await respond({ response_type: 'ephemeral', replace_original: false, text: CLICK_FAILED });
      }
    },
  );
}
