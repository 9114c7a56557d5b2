import type { SlackMessage } from './fake-slack.js';

const EMOJI: Record<string, string> = {
  hourglass_flowing_sand: '⏳',
  hourglass: '⌛',
  white_check_mark: '✅',
  arrows_counterclockwise: '🔄',
  large_green_circle: '🟢',
  red_circle: '🔴',
  no_entry: '⛔',
  alarm_clock: '⏰',
  heavy_multiplication_x: '✖️',
  arrow_forward: '▶️',
  warning: '⚠️',
  mag: '🔍',
  wave: '👋',
  information_source: 'ℹ️',
  grey_question: '❔',
  point_down: '👇',
  point_up: '☝️',
  ballot_box_with_check: '☑️',
  snowflake: '❄️',
  rotating_light: '🚨',
  zzz: '💤',
};

/** Slack mrkdwn as a terminal shows it: mentions as @id, emoji as characters, dates as their fallback. */
export function mrkdwnToTerminal(text: string): string {
  return text
    .replace(/<!date\^\d+\^[^|>]*\|([^>]*)>/g, '$1')
    .replace(/<@([A-Z0-9]+)>/g, '@$1')
    .replace(/<#([A-Z0-9]+)>/g, '#$1')
    .replace(/:([a-z_]+):/g, (whole, name: string) => EMOJI[name] ?? whole)
    .replace(/\*([^*\n]+)\*/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** The card as a person sees it: its text blocks, then its buttons in brackets. */
export function renderCardForTerminal(message: SlackMessage, indent = '   '): string {
  const lines: string[] = [];
  for (const block of (message.blocks ?? []) as Array<Record<string, unknown>>) {
    if (block.type === 'header') {
      lines.push(`▌ ${(block.text as { text?: string } | undefined)?.text ?? ''}`);
    } else if (block.type === 'section') {
      const text = (block.text as { text?: string } | undefined)?.text ?? '';
      lines.push(...mrkdwnToTerminal(text).split('\n'));
    } else if (block.type === 'actions') {
      const labels = ((block.elements as Array<{ text?: { text?: string } }>) ?? []).map(
        (e) => `[ ${e.text?.text ?? '?'} ]`,
      );
      lines.push(labels.join(' '));
    } else if (block.type === 'context') {
      const texts = ((block.elements as Array<{ text?: string }>) ?? []).map((e) =>
        mrkdwnToTerminal(e.text ?? ''),
      );
      lines.push(texts.join(' · '));
    }
  }
  if (lines.length === 0 && message.text) lines.push(mrkdwnToTerminal(message.text));
  return lines.map((line) => `${indent}${line}`).join('\n');
}

/** The request id carried by the card's buttons (or its context line once the buttons are gone). */
export function requestIdOfCard(message: SlackMessage): string | undefined {
  for (const block of (message.blocks ?? []) as Array<Record<string, unknown>>) {
    for (const element of (block.elements as Array<{ value?: string; text?: string }> | undefined) ?? []) {
      if (element.value) return element.value;
      const match = /Request `(r[0-9a-z]+)`/.exec(element.text ?? '');
      if (match) return match[1];
    }
  }
  return undefined;
}
