import { describe, expect, it } from 'vitest';
import { blockKitProblems, messageProblems, viewProblems } from '../support/block-kit.js';

const plain = (text: string) => ({ type: 'plain_text', text });
const mrkdwn = (text: string) => ({ type: 'mrkdwn', text });
const option = (text: string, value = text) => ({ text: plain(text), value });
const long = (length: number) => 'x'.repeat(length);
const dividers = (count: number) => Array.from({ length: count }, () => ({ type: 'divider' }));
const buttons = (count: number) =>
  Array.from({ length: count }, (_, i) => ({ type: 'button', action_id: `b${i}`, text: plain(`B${i}`) }));
const options = (count: number) => Array.from({ length: count }, (_, i) => option(`o${i}`));

/** One of every block and element the validator knows, each within its limits. */
const MESSAGE = {
  text: 'Cache reset of web-prod is waiting for approval',
  blocks: [
    { type: 'header', block_id: 'title', text: plain('Cache reset') },
    {
      type: 'section',
      block_id: 'facts',
      text: mrkdwn('*Distribution:* `web-prod`'),
      fields: [mrkdwn('*State*'), { type: 'plain_text', text: 'pending', emoji: true }],
      accessory: { type: 'overflow', action_id: 'more', options: [option('Logs'), option('Help')] },
    },
    {
      type: 'actions',
      block_id: 'decision',
      elements: [
        {
          type: 'button',
          action_id: 'approve',
          style: 'primary',
          text: plain('Approve'),
          value: 'r1',
          confirm: {
            title: plain('Reset the whole cache?'),
            text: mrkdwn('Every cached file is *dropped*.'),
            confirm: plain('Approve reset'),
            deny: plain('Back'),
            style: 'danger',
          },
        },
        { type: 'button', action_id: 'docs', text: plain('Docs'), url: 'https://example.com/docs' },
        {
          type: 'static_select',
          action_id: 'pick',
          placeholder: plain('Pick a distribution'),
          options: [option('web-prod'), option('web-stage')],
          initial_option: option('web-prod'),
        },
        { type: 'external_select', action_id: 'find', placeholder: plain('Search'), min_query_length: 2 },
      ],
    },
    { type: 'divider' },
    {
      type: 'context',
      elements: [
        mrkdwn('Request `r1`'),
        { type: 'image', image_url: 'https://example.com/icon.png', alt_text: 'icon' },
      ],
    },
    {
      type: 'image',
      image_url: 'https://example.com/hits.png',
      alt_text: 'Cache hits',
      title: plain('Hits'),
    },
  ],
};

const MODAL = {
  type: 'modal',
  callback_id: 'deny_reason',
  private_metadata: 'r1',
  title: plain('Deny the cache reset'),
  submit: plain('Deny'),
  close: plain('Back'),
  blocks: [
    {
      type: 'input',
      block_id: 'reason',
      optional: true,
      label: plain('Reason'),
      hint: plain('Shown on the card'),
      element: {
        type: 'plain_text_input',
        action_id: 'reason_input',
        multiline: true,
        min_length: 0,
        max_length: 500,
        placeholder: plain('Why not?'),
      },
    },
    {
      type: 'input',
      block_id: 'distribution',
      label: plain('Distribution'),
      element: {
        type: 'static_select',
        action_id: 'distribution_select',
        option_groups: [
          { label: plain('Production'), options: [option('web-prod')] },
          { label: plain('Staging'), options: [option('web-stage')] },
        ],
      },
    },
  ],
};

/** A deep copy of `base` with the value at `path` (as the problems name it) replaced, or deleted if undefined. */
function changed<T>(base: T, path: string, value: unknown): T {
  const copy = structuredClone(base);
  const keys = [...path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map((m) =>
    m[2] === undefined ? m[1] : Number(m[2]),
  );
  let at = copy as Record<string | number, unknown>;
  for (const key of keys.slice(0, -1)) at = at[key ?? ''] as Record<string | number, unknown>;
  const last = keys.at(-1) ?? '';
  if (value === undefined) delete at[last];
  else at[last] = value;
  return copy;
}

describe('blockKitProblems', () => {
  it('finds nothing wrong with a message that keeps every limit', () => {
    expect(blockKitProblems('message', MESSAGE.blocks)).toEqual([]);
    expect(messageProblems(MESSAGE)).toEqual([]);
  });

  it.each([
    ['too many blocks for a message', 'blocks', dividers(51), 'blocks: 51 > 50 blocks in a message'],
    ['a long block_id', 'blocks[0].block_id', long(256), 'blocks[0].block_id: 256 > 255 characters'],
    [
      'a repeated block_id',
      'blocks[3].block_id',
      'facts',
      'blocks[3].block_id: duplicate block_id "facts" (first at blocks[1].block_id)',
    ],
    [
      'a long action_id',
      'blocks[2].elements[1].action_id',
      long(256),
      'blocks[2].elements[1].action_id: 256 > 255 characters',
    ],
    [
      'an action_id repeated within a block',
      'blocks[2].elements[1].action_id',
      'approve',
      'blocks[2].elements[1].action_id: duplicate action_id "approve" (first at blocks[2].elements[0].action_id)',
    ],
    [
      'an action_id repeated across blocks',
      'blocks[1].accessory.action_id',
      'approve',
      'blocks[2].elements[0].action_id: duplicate action_id "approve" (first at blocks[1].accessory.action_id)',
    ],
    ['a misspelt block type', 'blocks[1].type', 'sectoin', 'blocks[1].type: unknown block type "sectoin"'],
    [
      'a misspelt element type',
      'blocks[2].elements[1].type',
      'buton',
      'blocks[2].elements[1].type: "buton" is not one of button, static_select, external_select, overflow',
    ],
    [
      'an element the block does not take',
      'blocks[2].elements[1]',
      { type: 'plain_text_input', action_id: 'typed' },
      'blocks[2].elements[1].type: "plain_text_input" is not one of button, static_select, external_select, overflow',
    ],
    [
      'an unknown text type',
      'blocks[1].text.type',
      'markdown',
      'blocks[1].text: text type must be plain_text or mrkdwn, not "markdown"',
    ],
    ['an empty text', 'blocks[1].text.text', '', 'blocks[1].text: text must not be empty'],
    ['emoji on mrkdwn', 'blocks[1].text.emoji', true, 'blocks[1].text: emoji is for plain_text only'],
    ['section text over 3000', 'blocks[1].text.text', long(3001), 'blocks[1].text: 3001 > 3000 characters'],
    [
      'more than 10 fields',
      'blocks[1].fields',
      Array(11).fill(mrkdwn('f')),
      'blocks[1].fields: 11 > 10 items',
    ],
    [
      'a field over 2000',
      'blocks[1].fields[0].text',
      long(2001),
      'blocks[1].fields[0]: 2001 > 2000 characters',
    ],
    [
      'a section with neither text nor fields',
      'blocks[1]',
      { type: 'section' },
      'blocks[1]: needs text or fields',
    ],
    ['a header over 150', 'blocks[0].text.text', long(151), 'blocks[0].text: 151 > 150 characters'],
    ['a mrkdwn header', 'blocks[0].text.type', 'mrkdwn', 'blocks[0].text: must be plain_text, not mrkdwn'],
    [
      'more than 10 context elements',
      'blocks[4].elements',
      Array(11).fill(mrkdwn('c')),
      'blocks[4].elements: 11 > 10 items',
    ],
    ['more than 25 actions', 'blocks[2].elements', buttons(26), 'blocks[2].elements: 26 > 25 items'],
    ['an empty actions block', 'blocks[2].elements', [], 'blocks[2].elements: 0 < 1 items'],
    [
      'button text over 75',
      'blocks[2].elements[0].text.text',
      long(80),
      'blocks[2].elements[0].text: 80 > 75 characters',
    ],
    [
      'mrkdwn button text',
      'blocks[2].elements[0].text.type',
      'mrkdwn',
      'blocks[2].elements[0].text: must be plain_text, not mrkdwn',
    ],
    [
      'a button without text',
      'blocks[2].elements[1].text',
      undefined,
      'blocks[2].elements[1].text: is required',
    ],
    [
      'a button value over 2000',
      'blocks[2].elements[0].value',
      long(2001),
      'blocks[2].elements[0].value: 2001 > 2000 characters',
    ],
    [
      'a button url over 3000',
      'blocks[2].elements[1].url',
      long(3001),
      'blocks[2].elements[1].url: 3001 > 3000 characters',
    ],
    [
      'an unknown button style',
      'blocks[2].elements[0].style',
      'secondary',
      'blocks[2].elements[0].style: must be primary or danger, not "secondary"',
    ],
    [
      'a confirm title over 100',
      'blocks[2].elements[0].confirm.title.text',
      long(101),
      'blocks[2].elements[0].confirm.title: 101 > 100 characters',
    ],
    [
      'a confirm text over 300',
      'blocks[2].elements[0].confirm.text.text',
      long(301),
      'blocks[2].elements[0].confirm.text: 301 > 300 characters',
    ],
    [
      'a confirm button over 30',
      'blocks[2].elements[0].confirm.confirm.text',
      long(31),
      'blocks[2].elements[0].confirm.confirm: 31 > 30 characters',
    ],
    [
      'a deny button over 30',
      'blocks[2].elements[0].confirm.deny.text',
      long(31),
      'blocks[2].elements[0].confirm.deny: 31 > 30 characters',
    ],
    [
      'a confirm without deny',
      'blocks[2].elements[0].confirm.deny',
      undefined,
      'blocks[2].elements[0].confirm.deny: is required',
    ],
    [
      'an unknown confirm style',
      'blocks[2].elements[0].confirm.style',
      'warning',
      'blocks[2].elements[0].confirm.style: must be primary or danger, not "warning"',
    ],
    [
      'a select placeholder over 150',
      'blocks[2].elements[2].placeholder.text',
      long(151),
      'blocks[2].elements[2].placeholder: 151 > 150 characters',
    ],
    [
      'more than 100 options',
      'blocks[2].elements[2].options',
      options(101),
      'blocks[2].elements[2].options: 101 > 100 items',
    ],
    [
      'option text over 75',
      'blocks[2].elements[2].options[0].text.text',
      long(76),
      'blocks[2].elements[2].options[0].text: 76 > 75 characters',
    ],
    [
      'an option value over 150',
      'blocks[2].elements[2].options[0].value',
      long(151),
      'blocks[2].elements[2].options[0].value: 151 > 150 characters',
    ],
    [
      'a repeated option value',
      'blocks[2].elements[2].options[1].value',
      'web-prod',
      'blocks[2].elements[2].options[1].value: duplicate option value (first at blocks[2].elements[2].options[0])',
    ],
    [
      'both options and option groups',
      'blocks[2].elements[2].option_groups',
      [{ label: plain('All'), options: [option('web-dev')] }],
      'blocks[2].elements[2]: needs exactly one of options and option_groups',
    ],
    [
      'a negative min_query_length',
      'blocks[2].elements[3].min_query_length',
      -1,
      'blocks[2].elements[3].min_query_length: must be a whole number of at least 0',
    ],
    [
      'an overflow of 6 options',
      'blocks[1].accessory.options',
      options(6),
      'blocks[1].accessory.options: 6 > 5 items',
    ],
    [
      'image alt text over 2000',
      'blocks[5].alt_text',
      long(2001),
      'blocks[5].alt_text: 2001 > 2000 characters',
    ],
    [
      'a context image url over 3000',
      'blocks[4].elements[1].image_url',
      long(3001),
      'blocks[4].elements[1].image_url: 3001 > 3000 characters',
    ],
  ])('reports %s', (_what, path, value, problem) => {
    expect(blockKitProblems('message', changed(MESSAGE, path, value).blocks)).toEqual([problem]);
  });

  it('allows 100 blocks in a modal or Home tab but not 101', () => {
    expect(blockKitProblems('modal', dividers(100))).toEqual([]);
    expect(blockKitProblems('home', dividers(100))).toEqual([]);
    expect(blockKitProblems('home', dividers(101))).toEqual(['blocks: 101 > 100 blocks in a home']);
  });

  it('lets a view repeat an action id in other blocks when told ids are per block, but not within one', () => {
    const rows = [
      { type: 'actions', block_id: 'row_1', elements: buttons(2) },
      { type: 'actions', block_id: 'row_2', elements: buttons(2) },
    ];
    expect(blockKitProblems('home', rows, { uniqueActionIds: 'block' })).toEqual([]);
    expect(blockKitProblems('home', rows)).toEqual([
      'blocks[1].elements[0].action_id: duplicate action_id "b0" (first at blocks[0].elements[0].action_id)',
      'blocks[1].elements[1].action_id: duplicate action_id "b1" (first at blocks[0].elements[1].action_id)',
    ]);
    const twice = changed(rows, '[1].elements[1].action_id', 'b0');
    expect(blockKitProblems('home', twice, { uniqueActionIds: 'block' })).toEqual([
      'blocks[1].elements[1].action_id: duplicate action_id "b0" (first at blocks[1].elements[0].action_id)',
    ]);
  });

  it('names paths from where the blocks sit when told', () => {
    const blocks = changed(MESSAGE, 'blocks[0].block_id', long(256)).blocks;
    expect(blockKitProblems('message', blocks, { path: 'view.blocks' })).toEqual([
      'view.blocks[0].block_id: 256 > 255 characters',
    ]);
  });

  it('reports every problem, not only the first', () => {
    const twice = changed(changed(MESSAGE, 'blocks[0].text.text', long(151)), 'blocks[3].type', 'spacer');
    expect(blockKitProblems('message', twice.blocks)).toEqual([
      'blocks[0].text: 151 > 150 characters',
      'blocks[3].type: unknown block type "spacer"',
    ]);
  });
});

describe('messageProblems', () => {
  it.each([
    ['no fallback text', 'text', undefined, 'text: a message needs a non-empty fallback text'],
    ['a blank fallback text', 'text', '  \n', 'text: a message needs a non-empty fallback text'],
    ['a fallback text Slack would cut', 'text', long(40_001), 'text: 40001 > 40000 characters'],
    ['a problem in its blocks', 'blocks[0].text.text', long(151), 'blocks[0].text: 151 > 150 characters'],
  ])('reports %s', (_what, path, value, problem) => {
    expect(messageProblems(changed(MESSAGE, path, value))).toEqual([problem]);
  });
});

describe('viewProblems', () => {
  it('finds nothing wrong with a modal that keeps every limit', () => {
    expect(viewProblems(MODAL)).toEqual([]);
  });

  it('takes a Home tab without title or buttons', () => {
    expect(viewProblems({ type: 'home', blocks: MESSAGE.blocks })).toEqual([]);
  });

  it.each([
    ['an unknown view type', 'type', 'dialog', 'type: must be modal or home, not "dialog"'],
    ['a modal without title', 'title', undefined, 'title: is required'],
    ['a title over 24', 'title.text', long(25), 'title: 25 > 24 characters'],
    ['a mrkdwn title', 'title.type', 'mrkdwn', 'title: must be plain_text, not mrkdwn'],
    ['a submit over 24', 'submit.text', long(25), 'submit: 25 > 24 characters'],
    ['a close over 24', 'close.text', long(25), 'close: 25 > 24 characters'],
    ['inputs without submit', 'submit', undefined, 'submit: is required when the view has an input block'],
    [
      'private_metadata over 3000',
      'private_metadata',
      long(3001),
      'private_metadata: 3001 > 3000 characters',
    ],
    ['a callback_id over 255', 'callback_id', long(256), 'callback_id: 256 > 255 characters'],
    ['too many blocks for a modal', 'blocks', dividers(101), 'blocks: 101 > 100 blocks in a modal'],
    [
      'an input label over 2000',
      'blocks[0].label.text',
      long(2001),
      'blocks[0].label: 2001 > 2000 characters',
    ],
    ['a mrkdwn hint', 'blocks[0].hint.type', 'mrkdwn', 'blocks[0].hint: must be plain_text, not mrkdwn'],
    ['an input without element', 'blocks[1].element', undefined, 'blocks[1].element: is required'],
    [
      'an input element the block does not take',
      'blocks[1].element.type',
      'overflow',
      'blocks[1].element.type: "overflow" is not one of plain_text_input, static_select, external_select',
    ],
    [
      'a max_length over 3000',
      'blocks[0].element.max_length',
      3001,
      'blocks[0].element.max_length: must be 1 to 3000',
    ],
    [
      'a min_length above max_length',
      'blocks[0].element.min_length',
      600,
      'blocks[0].element.min_length: 600 > max_length 500',
    ],
    [
      'an input placeholder over 150',
      'blocks[0].element.placeholder.text',
      long(151),
      'blocks[0].element.placeholder: 151 > 150 characters',
    ],
    [
      'an initial value longer than max_length',
      'blocks[0].element.initial_value',
      long(501),
      'blocks[0].element.initial_value: 501 > 500 characters',
    ],
    [
      'an option group label over 75',
      'blocks[1].element.option_groups[0].label.text',
      long(76),
      'blocks[1].element.option_groups[0].label: 76 > 75 characters',
    ],
    [
      'an option value repeated across groups',
      'blocks[1].element.option_groups[1].options[0].value',
      'web-prod',
      'blocks[1].element.option_groups[1].options[0].value: duplicate option value (first at blocks[1].element.option_groups[0].options[0])',
    ],
    [
      'an action_id repeated across inputs',
      'blocks[1].element.action_id',
      'reason_input',
      'blocks[1].element.action_id: duplicate action_id "reason_input" (first at blocks[0].element.action_id)',
    ],
  ])('reports %s', (_what, path, value, problem) => {
    expect(viewProblems(changed(MODAL, path, value))).toEqual([problem]);
  });
});
