import type { App } from '@slack/bolt';
import { z } from 'zod';
import { DENY_DIALOG, readDenyDialogMetadata } from '../../domain/deny-dialog.js';
import { toPlainText } from '../../domain/mrkdwn.js';
import { publishHome } from '../../flow/app-home.js';
import { decideRequest } from '../../flow/decide-request.js';
import type { FlowDeps } from '../../flow/flow-deps.js';
import type { Metrics } from '../../observability/metrics.js';

const SubmissionSchema = z.object({
  user: z.object({ id: z.string().min(1) }),
  view: z.object({
    private_metadata: z.string().transform((m, ctx) => {
      const read = readDenyDialogMetadata(m);
      if (!read) ctx.addIssue({ code: 'custom', message: 'not a request of this app' });
      return read ?? { requestId: '', fromHome: false };
    }),
    state: z.object({
      values: z.record(
        z.string(),
        z.record(z.string(), z.object({ value: z.string().nullish() }).passthrough()),
      ),
    }),
  }),
});

/** The Deny dialog's submit: denies with the reason; a refusal is shown in the dialog itself. */
export function registerDenyReasonView(app: App, deps: FlowDeps, metrics: Metrics): void {
  app.view(DENY_DIALOG.callbackId, async ({ body, ack, logger }) => {
    const submission = SubmissionSchema.safeParse(body);
    if (!submission.success) {
      await ack({
        response_action: 'errors',
        errors: { [DENY_DIALOG.blockId]: 'This dialog is not one I understand.' },
      });
      return;
    }
    const { user, view } = submission.data;
    const reason = view.state.values[DENY_DIALOG.blockId]?.[DENY_DIALOG.actionId]?.value ?? undefined;
    try {
      const reply = await decideRequest(deps, {
        userId: user.id,
        requestId: view.private_metadata.requestId,
        decision: 'deny',
        ...(reason ? { reason } : {}),
      });
      metrics.decisions.inc({ decision: 'deny', result: reply ? 'refused' : 'recorded' });
      if (reply)
        await ack({
          response_action: 'errors',
          errors: { [DENY_DIALOG.blockId]: toPlainText(reply).slice(0, 150) },
        });
      else {
        await ack();
        // Denied from the Home tab: show the tab again without the request.
        if (view.private_metadata.fromHome) await publishHome(deps, user.id).catch(() => undefined);
      }
    } catch (error) {
      logger.error(`deny failed: ${String(error)}`);
      await ack({
        response_action: 'errors',
        errors: { [DENY_DIALOG.blockId]: 'Something went wrong; nothing was changed. Try again.' },
      });
    }
  });
}
