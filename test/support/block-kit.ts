// Limits as documented in Slack's Block Kit reference: https://docs.slack.dev/reference/block-kit/blocks
export type Surface = 'message' | 'modal' | 'home';

export interface BlockKitOptions {
  /** Where the block array sits, for the paths in problems; `blocks` unless told. */
  path?: string;
  /**
   * Slack wants action ids unique within their block; by default they must be unique in the whole set, as
   * one meaning per id is the app's rule for a card. `block` is for views that repeat a row per item.
   */
  uniqueActionIds?: 'set' | 'block';
}

type Json = Record<string, unknown>;

const MAX_BLOCKS: Record<Surface, number> = { message: 50, modal: 100, home: 100 };
/** chat.postMessage truncates longer `text`: https://api.slack.com/changelog/2018-04-truncating-really-long-messages */
const MAX_MESSAGE_TEXT = 40_000;
const TEXT_TYPES = ['plain_text', 'mrkdwn'];
const STYLES = ['primary', 'danger'];

const SECTION_ACCESSORIES = ['button', 'static_select', 'external_select', 'overflow', 'image'];
const ACTIONS_ELEMENTS = ['button', 'static_select', 'external_select', 'overflow'];
const INPUT_ELEMENTS = ['plain_text_input', 'static_select', 'external_select'];

/** Everything Slack would refuse (or cut) in a block set, each as `path: what is wrong`; empty when valid. */
export function blockKitProblems(surface: Surface, blocks: unknown[], opts: BlockKitOptions = {}): string[] {
  const check = new Check();
  const path = opts.path ?? 'blocks';
  if (!Array.isArray(blocks)) return [`${path}: must be an array`];
  if (blocks.length > MAX_BLOCKS[surface]) {
    check.problem(path, `${blocks.length} > ${MAX_BLOCKS[surface]} blocks in a ${surface}`);
  }
  blocks.forEach((block, i) => {
    if (opts.uniqueActionIds === 'block') check.forgetActionIds();
    checkBlock(check, `${path}[${i}]`, block);
  });
  return check.problems;
}

/** A whole modal or Home tab view: its own fields, then its blocks. */
export function viewProblems(view: unknown, opts: Omit<BlockKitOptions, 'path'> = {}): string[] {
  if (!isObject(view)) return ['view: must be an object'];
  if (view.type !== 'modal' && view.type !== 'home') {
    return [`type: must be modal or home, not ${JSON.stringify(view.type)}`];
  }
  const check = new Check();
  if (view.type === 'modal') {
    checkText(check, 'title', view.title, { max: 24, plainOnly: true, required: true });
    checkText(check, 'submit', view.submit, { max: 24, plainOnly: true });
    checkText(check, 'close', view.close, { max: 24, plainOnly: true });
    const hasInput = Array.isArray(view.blocks) && view.blocks.some((b) => isObject(b) && b.type === 'input');
    if (hasInput && view.submit === undefined) {
      check.problem('submit', 'is required when the view has an input block');
    }
  }
  checkString(check, 'private_metadata', view.private_metadata, { max: 3000 });
  checkString(check, 'callback_id', view.callback_id, { max: 255 });
  if (!Array.isArray(view.blocks)) return [...check.problems, 'blocks: must be an array'];
  return [...check.problems, ...blockKitProblems(view.type, view.blocks, opts)];
}

/** A message as posted: a plain `text` for notifications and screen readers, and its blocks. */
export function messageProblems(message: { text?: unknown; blocks?: unknown }): string[] {
  const check = new Check();
  if (typeof message.text !== 'string' || message.text.trim() === '') {
    check.problem('text', 'a message needs a non-empty fallback text');
  } else if (message.text.length > MAX_MESSAGE_TEXT) {
    check.problem('text', `${message.text.length} > ${MAX_MESSAGE_TEXT} characters`);
  }
  if (message.blocks === undefined) return check.problems;
  if (!Array.isArray(message.blocks)) return [...check.problems, 'blocks: must be an array'];
  return [...check.problems, ...blockKitProblems('message', message.blocks)];
}

/** Collects problems and the ids that must not repeat within one block set. */
class Check {
  readonly problems: string[] = [];
  private readonly seen = { block_id: new Map<string, string>(), action_id: new Map<string, string>() };

  problem(path: string, what: string): void {
    this.problems.push(`${path}: ${what}`);
  }

  forgetActionIds(): void {
    this.seen.action_id.clear();
  }

  uniqueId(kind: 'block_id' | 'action_id', path: string, value: unknown): void {
    checkString(this, path, value, { max: 255 });
    if (typeof value !== 'string') return;
    const first = this.seen[kind].get(value);
    if (first === undefined) this.seen[kind].set(value, path);
    else this.problem(path, `duplicate ${kind} ${JSON.stringify(value)} (first at ${first})`);
  }
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// Lengths are counted in UTF-16 units, as JavaScript and the app's own truncation count them: never
// fewer than Slack's characters, so a miscount can only err on the strict side.
function checkString(
  check: Check,
  path: string,
  value: unknown,
  limits: { max: number; required?: boolean },
): void {
  if (value === undefined) {
    if (limits.required) check.problem(path, 'is required');
    return;
  }
  if (typeof value !== 'string') {
    check.problem(path, `must be a string, not ${typeof value}`);
    return;
  }
  if (value.length === 0) check.problem(path, 'must not be empty');
  if (value.length > limits.max) check.problem(path, `${value.length} > ${limits.max} characters`);
}

function checkText(
  check: Check,
  path: string,
  value: unknown,
  limits: { max: number; plainOnly?: boolean; required?: boolean },
): void {
  if (value === undefined) {
    if (limits.required) check.problem(path, 'is required');
    return;
  }
  if (!isObject(value)) {
    check.problem(path, 'must be a text object');
    return;
  }
  if (!TEXT_TYPES.includes(value.type as string)) {
    check.problem(path, `text type must be plain_text or mrkdwn, not ${JSON.stringify(value.type)}`);
  } else if (limits.plainOnly && value.type !== 'plain_text') {
    check.problem(path, `must be plain_text, not ${value.type}`);
  }
  if (value.emoji !== undefined && value.type !== 'plain_text')
    check.problem(path, 'emoji is for plain_text only');
  if (value.verbatim !== undefined && value.type !== 'mrkdwn')
    check.problem(path, 'verbatim is for mrkdwn only');
  if (typeof value.text !== 'string') {
    check.problem(path, 'text must be a string');
    return;
  }
  if (value.text.length === 0) check.problem(path, 'text must not be empty');
  const max = Math.min(limits.max, 3000);
  if (value.text.length > max) check.problem(path, `${value.text.length} > ${max} characters`);
}

function checkList(
  check: Check,
  path: string,
  value: unknown,
  limits: { min: number; max: number },
): unknown[] {
  if (!Array.isArray(value)) {
    check.problem(path, 'must be an array');
    return [];
  }
  if (value.length < limits.min) check.problem(path, `${value.length} < ${limits.min} items`);
  if (value.length > limits.max) check.problem(path, `${value.length} > ${limits.max} items`);
  return value;
}

function checkStyle(check: Check, path: string, value: unknown): void {
  if (value !== undefined && !STYLES.includes(value as string)) {
    check.problem(path, `must be primary or danger, not ${JSON.stringify(value)}`);
  }
}

function checkBlock(check: Check, path: string, block: unknown): void {
  if (!isObject(block)) {
    check.problem(path, 'must be an object');
    return;
  }
  check.uniqueId('block_id', `${path}.block_id`, block.block_id);
  switch (block.type) {
    case 'section':
      if (block.text === undefined && block.fields === undefined) check.problem(path, 'needs text or fields');
      checkText(check, `${path}.text`, block.text, { max: 3000 });
      if (block.fields !== undefined) {
        checkList(check, `${path}.fields`, block.fields, { min: 1, max: 10 }).forEach((field, i) => {
          checkText(check, `${path}.fields[${i}]`, field, { max: 2000, required: true });
        });
      }
      if (block.accessory !== undefined) {
        checkElement(check, `${path}.accessory`, block.accessory, SECTION_ACCESSORIES);
      }
      return;
    case 'actions':
      checkList(check, `${path}.elements`, block.elements, { min: 1, max: 25 }).forEach((element, i) => {
        checkElement(check, `${path}.elements[${i}]`, element, ACTIONS_ELEMENTS);
      });
      return;
    case 'context':
      checkList(check, `${path}.elements`, block.elements, { min: 1, max: 10 }).forEach((element, i) => {
        const at = `${path}.elements[${i}]`;
        if (isObject(element) && element.type === 'image') checkElement(check, at, element, ['image']);
        else checkText(check, at, element, { max: 3000, required: true });
      });
      return;
    case 'header':
      checkText(check, `${path}.text`, block.text, { max: 150, plainOnly: true, required: true });
      return;
    case 'divider':
      return;
    case 'input':
      checkText(check, `${path}.label`, block.label, { max: 2000, plainOnly: true, required: true });
      checkText(check, `${path}.hint`, block.hint, { max: 2000, plainOnly: true });
      if (block.element === undefined) check.problem(`${path}.element`, 'is required');
      else checkElement(check, `${path}.element`, block.element, INPUT_ELEMENTS);
      return;
    case 'image':
      checkImage(check, path, block);
      checkText(check, `${path}.title`, block.title, { max: 2000, plainOnly: true });
      return;
    default:
      check.problem(`${path}.type`, `unknown block type ${JSON.stringify(block.type)}`);
  }
}

function checkElement(check: Check, path: string, element: unknown, allowed: readonly string[]): void {
  if (!isObject(element)) {
    check.problem(path, 'must be an object');
    return;
  }
  if (!allowed.includes(element.type as string)) {
    check.problem(`${path}.type`, `${JSON.stringify(element.type)} is not one of ${allowed.join(', ')}`);
    return;
  }
  if (element.type !== 'image') check.uniqueId('action_id', `${path}.action_id`, element.action_id);
  switch (element.type) {
    case 'button':
      checkText(check, `${path}.text`, element.text, { max: 75, plainOnly: true, required: true });
      checkString(check, `${path}.value`, element.value, { max: 2000 });
      checkString(check, `${path}.url`, element.url, { max: 3000 });
      checkString(check, `${path}.accessibility_label`, element.accessibility_label, { max: 75 });
      checkStyle(check, `${path}.style`, element.style);
      checkConfirm(check, `${path}.confirm`, element.confirm);
      return;
    case 'static_select':
      checkText(check, `${path}.placeholder`, element.placeholder, { max: 150, plainOnly: true });
      checkStaticOptions(check, path, element);
      if (element.initial_option !== undefined)
        checkOption(check, `${path}.initial_option`, element.initial_option);
      checkConfirm(check, `${path}.confirm`, element.confirm);
      return;
    case 'external_select':
      checkText(check, `${path}.placeholder`, element.placeholder, { max: 150, plainOnly: true });
      if (element.initial_option !== undefined)
        checkOption(check, `${path}.initial_option`, element.initial_option);
      if (element.min_query_length !== undefined && !isCount(element.min_query_length, 0, Infinity)) {
        check.problem(`${path}.min_query_length`, 'must be a whole number of at least 0');
      }
      checkConfirm(check, `${path}.confirm`, element.confirm);
      return;
    case 'overflow':
      checkOptions(check, `${path}.options`, element.options, { min: 1, max: 5 });
      checkConfirm(check, `${path}.confirm`, element.confirm);
      return;
    case 'plain_text_input':
      checkPlainTextInput(check, path, element);
      return;
    case 'image':
      checkImage(check, path, element);
      return;
  }
}

function checkImage(check: Check, path: string, image: Json): void {
  checkString(check, `${path}.alt_text`, image.alt_text, { max: 2000, required: true });
  if (image.image_url === undefined && image.slack_file === undefined) {
    check.problem(path, 'needs image_url or slack_file');
  }
  checkString(check, `${path}.image_url`, image.image_url, { max: 3000 });
}

function checkPlainTextInput(check: Check, path: string, input: Json): void {
  checkText(check, `${path}.placeholder`, input.placeholder, { max: 150, plainOnly: true });
  const { min_length: min, max_length: max } = input;
  if (min !== undefined && !isCount(min, 0, 3000)) check.problem(`${path}.min_length`, 'must be 0 to 3000');
  if (max !== undefined && !isCount(max, 1, 3000)) check.problem(`${path}.max_length`, 'must be 1 to 3000');
  if (typeof min === 'number' && typeof max === 'number' && min > max) {
    check.problem(`${path}.min_length`, `${min} > max_length ${max}`);
  }
  if (input.initial_value !== undefined) {
    const limit = typeof max === 'number' ? max : 3000;
    checkString(check, `${path}.initial_value`, input.initial_value, { max: limit });
  }
}

function isCount(value: unknown, min: number, max: number): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

function checkStaticOptions(check: Check, path: string, select: Json): void {
  if ((select.options === undefined) === (select.option_groups === undefined)) {
    check.problem(path, 'needs exactly one of options and option_groups');
    return;
  }
  if (select.options !== undefined) {
    checkOptions(check, `${path}.options`, select.options, { min: 1, max: 100 });
    return;
  }
  const values = new Map<string, string>();
  checkList(check, `${path}.option_groups`, select.option_groups, { min: 1, max: 100 }).forEach(
    (group, i) => {
      const at = `${path}.option_groups[${i}]`;
      if (!isObject(group)) {
        check.problem(at, 'must be an object');
        return;
      }
      checkText(check, `${at}.label`, group.label, { max: 75, plainOnly: true, required: true });
      checkOptions(check, `${at}.options`, group.options, { min: 1, max: 100 }, values);
    },
  );
}

/** Option values tell the app which option was chosen, so they must differ across a whole menu. */
function checkOptions(
  check: Check,
  path: string,
  options: unknown,
  limits: { min: number; max: number },
  values = new Map<string, string>(),
): void {
  checkList(check, path, options, limits).forEach((option, i) => {
    const at = `${path}[${i}]`;
    checkOption(check, at, option);
    if (!isObject(option) || typeof option.value !== 'string') return;
    const first = values.get(option.value);
    if (first !== undefined) check.problem(`${at}.value`, `duplicate option value (first at ${first})`);
    else values.set(option.value, at);
  });
}

function checkOption(check: Check, path: string, option: unknown): void {
  if (!isObject(option)) {
    check.problem(path, 'must be an option object');
    return;
  }
  checkText(check, `${path}.text`, option.text, { max: 75, plainOnly: true, required: true });
  checkString(check, `${path}.value`, option.value, { max: 150, required: true });
  checkText(check, `${path}.description`, option.description, { max: 75, plainOnly: true });
  checkString(check, `${path}.url`, option.url, { max: 3000 });
}

function checkConfirm(check: Check, path: string, confirm: unknown): void {
  if (confirm === undefined) return;
  if (!isObject(confirm)) {
    check.problem(path, 'must be a confirmation dialog object');
    return;
  }
  checkText(check, `${path}.title`, confirm.title, { max: 100, plainOnly: true, required: true });
  checkText(check, `${path}.text`, confirm.text, { max: 300, required: true });
  checkText(check, `${path}.confirm`, confirm.confirm, { max: 30, plainOnly: true, required: true });
  checkText(check, `${path}.deny`, confirm.deny, { max: 30, plainOnly: true, required: true });
  checkStyle(check, `${path}.style`, confirm.style);
}
