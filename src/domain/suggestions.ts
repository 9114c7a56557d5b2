import type { Block } from './approval-card.js';
import { code } from './mrkdwn.js';

export const SUGGESTION_ACTION_ID = 'suggested_reset';

/** "No distribution named X. Did you mean Y?", with a button that asks for Y. */
export function suggestionReply(typed: string, names: readonly string[]): { text: string; blocks: Block[] } {
  const text = `:mag: There is no Lightsail distribution named ${code(typed)}. Did you mean ${names.map(code).join(', ')}?`;
  return {
    text,
    blocks: [
      { type: 'section', block_id: 'did_you_mean', text: { type: 'mrkdwn', text } },
      {
        type: 'actions',
        block_id: 'suggestions',
        elements: names.map((name, i) => ({
          type: 'button',
          action_id: `${SUGGESTION_ACTION_ID}_${i}`,
          text: { type: 'plain_text', text: `Reset ${name}`.slice(0, 75) },
          value: name,
        })),
      },
    ],
  };
}
