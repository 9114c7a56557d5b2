import type { Block } from './approval-card.js';
import { COMMAND } from './command-text.js';

export const PICKER_ACTION_ID = 'pick_distribution';
/** A static menu holds at most 100 options; beyond that the picker asks Slack for type-ahead. */
export const STATIC_PICKER_MAX = 100;
const OPTIONS_MAX = 100;

export interface PickerOption {
  text: { type: 'plain_text'; text: string };
  value: string;
}

/** Option text is at most 75 characters; the value (the whole name, at most 255) at most 150. */
function option(name: string): PickerOption | undefined {
  if (name.length > 150) return undefined;
  return {
    text: { type: 'plain_text', text: name.length > 75 ? `${name.slice(0, 74)}…` : name },
    value: name,
  };
}

/**
 * What `/lightsail-reset` alone answers: a menu of the account's distributions. Choosing one asks for
 * its reset as if the name had been typed.
 */
export function renderPicker(names: readonly string[]): { text: string; blocks: Block[] } {
  const sorted = [...names].sort((a, b) => a.localeCompare(b));
  const options = sorted.map(option).filter((o) => o !== undefined);
  const unlisted = sorted.length - options.length;
  const typeIt = `type \`${COMMAND} <distribution-name>\` instead`;
  if (options.length === 0) {
    const text =
      sorted.length === 0
        ? ':mag: This AWS account has no Lightsail distributions (they live in us-east-1), so there is nothing to reset.'
        : `:mag: The distributions' names are too long for a menu; ${typeIt}.`;
    return { text, blocks: [{ type: 'section', block_id: 'picker_empty', text: { type: 'mrkdwn', text } }] };
  }
  const typeAhead = options.length > STATIC_PICKER_MAX;
  const text = typeAhead
    ? `:point_down: Which distribution's cache should I reset? Type part of its name (${options.length} distributions).`
    : ":point_down: Which distribution's cache should I reset? An approver confirms before anything happens.";
  const menu = typeAhead
    ? {
        type: 'external_select',
        action_id: PICKER_ACTION_ID,
        placeholder: { type: 'plain_text', text: 'Type part of a name' },
        min_query_length: 1,
      }
    : {
        type: 'static_select',
        action_id: PICKER_ACTION_ID,
        placeholder: { type: 'plain_text', text: 'Choose a distribution' },
        options,
      };
  const blocks: Block[] = [
    { type: 'section', block_id: 'picker', text: { type: 'mrkdwn', text }, accessory: menu },
  ];
  if (unlisted > 0) {
    blocks.push({
      type: 'context',
      block_id: 'picker_unlisted',
      elements: [
        {
          type: 'mrkdwn',
          text: `${unlisted} with names over 150 characters cannot be listed here; ${typeIt}.`,
        },
      ],
    });
  }
  return { text, blocks };
}

/**
 * The type-ahead's answer: names containing what was typed (case-insensitive), those starting with it
 * first, at most 100.
 */
export function pickerOptions(names: readonly string[], typed: string): PickerOption[] {
  const q = typed.trim().toLowerCase();
  const matches = names.filter((n) => n.toLowerCase().includes(q));
  matches.sort((a, b) => {
    const aStarts = a.toLowerCase().startsWith(q) ? 0 : 1;
    const bStarts = b.toLowerCase().startsWith(q) ? 0 : 1;
    return aStarts - bStarts || a.localeCompare(b);
  });
  return matches
    .map(option)
    .filter((o) => o !== undefined)
    .slice(0, OPTIONS_MAX);
}
