import type { App, BlockAction } from '@slack/bolt';
import { z } from 'zod';
import { REQUEST_ID } from '../../domain/reset-request.js';
import { type Decision, decideRequest } from '../../flow/decide-request.js';
import type { FlowDeps } from '../../flow/flow-deps.js';
import type { Metrics } from '../../observability/metrics.js';

const ButtonClickSchema = z.object({
  user: z.object({ id: z.string().min(1) }),
  actions: z.array(z.object({ value: z.string().regex(REQUEST_ID) })).min(1),
});

/** Approve, Deny and Cancel on the card: the same steps, a different decision. */
export function registerDecisionAction(
  app: App,
  actionId: string,
  decision: Decision,
  deps: FlowDeps,
  metrics: Metrics,
): void {
  app.action<BlockAction>(actionId, async ({ body, ack, respond, logger }) => {
    await ack();
    const click = ButtonClickSchema.safeParse(body);
    if (!click.success) {
      metrics.decisions.inc({ decision, result: 'malformed' });
      await respond({
        response_type: 'ephemeral',
        replace_original: false,
        text: ':warning: That button did not carry a request I understand. Nothing was changed.',
      });
      return;
    }
    try {
      const reply = await decideRequest(deps, {
        userId: click.data.user.id,
        requestId: click.data.actions[0]?.value ?? '',
        decision,
      });
      metrics.decisions.inc({ decision, result: reply ? 'refused' : 'recorded' });
      if (reply) await respond({ response_type: 'ephemeral', replace_original: false, text: reply });
    } catch (error) {
      logger.error(`decision failed: ${String(error)}`);
      await respond({
        response_type: 'ephemeral',
        replace_original: false,
        text: ':warning: Something went wrong on my side; your click was not recorded. Please try again in a minute.',
      });
    }
  });
}
