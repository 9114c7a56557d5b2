import { MAX_REASON_LENGTH } from './command-text.js';
import { code } from './mrkdwn.js';
import { REQUEST_ID, type ResetRequest } from './reset-request.js';

export const DENY_DIALOG = {
  callbackId: 'deny_reason',
  blockId: 'reason',
  actionId: 'reason_input',
} as const;

/** The dialog remembers where Deny was clicked: the Home tab is shown again after a denial made there. */
export function denyDialogMetadata(requestId: string, fromHome: boolean): string {
  return fromHome ? `${requestId} home` : requestId;
}

export function readDenyDialogMetadata(
  metadata: string,
): { requestId: string; fromHome: boolean } | undefined {
  const match = /^(\S+?)( home)?$/.exec(metadata);
  if (!match?.[1] || !REQUEST_ID.test(match[1])) return undefined;
  return { requestId: match[1], fromHome: match[2] !== undefined };
}

/** The modal Deny opens: an optional reason, shown on the card and in the thread. */
export function denyDialog(request: ResetRequest, fromHome = false): Record<string, unknown> {
  return {
    type: 'modal',
    callback_id: DENY_DIALOG.callbackId,
    private_metadata: denyDialogMetadata(request.id, fromHome),
    title: { type: 'plain_text', text: 'Deny the cache reset' },
    submit: { type: 'plain_text', text: 'Deny' },
    close: { type: 'plain_text', text: 'Back' },
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: `Deny the cache reset of ${code(request.distributionName)}? Nothing will be reset.`,
        },
      },
      {
        type: 'input',
        block_id: DENY_DIALOG.blockId,
        optional: true,
        label: { type: 'plain_text', text: 'Reason (shown on the card and in the thread)' },
        element: {
          type: 'plain_text_input',
          action_id: DENY_DIALOG.actionId,
          multiline: true,
          max_length: MAX_REASON_LENGTH,
        },
      },
    ],
  };
}
