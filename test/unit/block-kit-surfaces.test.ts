import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderHome } from '../../src/domain/app-home.js';
import { renderApprovalCard } from '../../src/domain/approval-card.js';
import { denyDialog } from '../../src/domain/deny-dialog.js';
import { renderPicker } from '../../src/domain/distribution-picker.js';
import {
  REQUEST_ID,
  REQUEST_STATES,
  type RequestState,
  type ResetRequest,
  ResetRequestSchema,
} from '../../src/domain/reset-request.js';
import { suggestionReply } from '../../src/domain/suggestions.js';
import { type BlockKitOptions, messageProblems, type Surface, viewProblems } from '../support/block-kit.js';
import { aRequest, fieldsInState } from '../support/requests.js';

type ViewOptions = Omit<BlockKitOptions, 'path'>;

/** Messages are checked with their fallback text; modals and Home tabs as whole views. */
function problemsOf(surface: Surface, payload: unknown, opts: ViewOptions = {}): string[] {
  if (surface === 'message') return messageProblems(payload as { text?: unknown; blocks?: unknown });
  const type = (payload as { type?: unknown }).type;
  if (type !== surface) return [`type: ${JSON.stringify(type)} rendered where a ${surface} view belongs`];
  return viewProblems(payload, opts);
}

// The Home tab repeats Approve and Deny for each waiting request, told apart by block; Slack allows that.
const ROWS_PER_ITEM: ViewOptions = { uniqueActionIds: 'block' };

const T0 = Date.UTC(2025, 0, 15, 9, 30, 0);
const APPROVER = 'UAPP00001';
const LONG_NAME = `w${'x'.repeat(253)}z`;
const LONG_HOST = `${'d'.repeat(240)}.example.com`.slice(0, 253);
const LONG_TEXT = 'Ünïcødé text 😀 with *stars*, _underscores_ and `ticks` ~ '.repeat(40);

function requestIn(state: RequestState, overrides: Partial<ResetRequest> = {}): ResetRequest {
  return aRequest({
    id: 'rm5x1abcd0000',
    state,
    requesterId: 'UREQ00001',
    createdAt: T0,
    expiresAt: T0 + 30 * 60_000,
    approverUsers: [APPROVER],
    ...fieldsInState(state, { createdAt: T0, requesterId: 'UREQ00001', approverId: APPROVER }),
    ...(state === 'denied' ? { reason: 'Not during the sale' } : {}),
    ...overrides,
  });
}

/** Every field the card shows, at the longest the app lets it be. */
const LONGEST: Partial<ResetRequest> = {
  distributionName: LONG_NAME,
  domainName: LONG_HOST,
  alternativeDomains: Array(10).fill(LONG_HOST),
  originName: LONG_TEXT.slice(0, 255),
  distributionStatus: 'InProgress',
  lastResetAt: T0 - 86_400_000,
  ruleName: `${'web-*-'.repeat(10)}prod`,
  approverUsers: Array.from({ length: 10 }, (_, i) => `UAPP0000${i}`),
  approverGroups: Array.from({ length: 10 }, (_, i) => `SOPS0000${i}`),
  operationId: '0a1b2c3d-4e5f-6789-abcd-ef0123456789',
  reason: LONG_TEXT.slice(0, 500),
  purpose: LONG_TEXT.slice(0, 500),
  workflowExecutionId: 'Wf0123456789',
  errorCode: 'InternalFailure',
  errorDetails: LONG_TEXT.slice(0, 1000),
};

const CARD_VARIANTS: ReadonlyArray<[variant: string, overrides: Partial<ResetRequest>]> = [
  ['as usual', {}],
  ['with 1 of 2 approvals', { approvalsRequired: 2, approvals: [APPROVER] }],
  ['break-glass', { breakGlass: true, reason: 'A leaked file is being served; pulling it now' }],
  ['with every field at its longest', LONGEST],
  ['break-glass with every field at its longest', { ...LONGEST, breakGlass: true }],
];

const manyRequests = (count: number, state: RequestState, overrides: Partial<ResetRequest> = {}) =>
  Array.from({ length: count }, (_, i) =>
    requestIn(state, { ...overrides, id: `r${state}${String(i).padStart(3, '0')}` }),
  );
const manyNames = (count: number, length: number) =>
  Array.from({ length: count }, (_, i) => `n${i}`.padEnd(length, 'x'));

/** Every block set the app renders. A new renderer gets a row here: name, render, surface (and options). */
const SURFACES: ReadonlyArray<[name: string, render: () => unknown, surface: Surface, opts?: ViewOptions]> = [
  ...REQUEST_STATES.flatMap((state) =>
    CARD_VARIANTS.map(([variant, overrides]): [string, () => unknown, Surface] => [
      `approval card, ${state}, ${variant}`,
      () => renderApprovalCard(requestIn(state, overrides)),
      'message',
    ]),
  ),
  ['suggestion reply with one name', () => suggestionReply('web-prd', ['web-prod']), 'message'],
  ...[1, 2, 3].map((count): [string, () => unknown, Surface] => [
    `suggestion reply with ${count} names of 255 characters`,
    () =>
      suggestionReply(
        LONG_NAME,
        Array.from({ length: count }, (_, i) => `${i}${LONG_NAME.slice(1)}`),
      ),
    'message',
  ]),
  ['deny dialog', () => denyDialog(requestIn('pending')), 'modal'],
  ['deny dialog for a 255-character name', () => denyDialog(requestIn('pending', LONGEST)), 'modal'],
  ['distribution picker with no distributions', () => renderPicker([]), 'message'],
  ['distribution picker with three names', () => renderPicker(['web-prod', 'web-stage', 'api']), 'message'],
  [
    'distribution picker with 100 names of 150 characters',
    () => renderPicker(manyNames(100, 150)),
    'message',
  ],
  [
    'distribution picker with names up to 255 characters',
    () => renderPicker(manyNames(50, 255).concat('web')),
    'message',
  ],
  ['distribution picker with 101 names (type-ahead)', () => renderPicker(manyNames(101, 255)), 'message'],
  [
    'Home tab with nothing to show',
    () => renderHome({ waiting: [], mine: [], recent: [] }),
    'home',
    ROWS_PER_ITEM,
  ],
  [
    'Home tab with a problem',
    () => renderHome({ waiting: [], mine: [], recent: [], problem: "I can't read the requests right now." }),
    'home',
    ROWS_PER_ITEM,
  ],
  [
    'Home tab with every list over its cap and every field at its longest',
    () =>
      renderHome({
        waiting: manyRequests(40, 'pending', { ...LONGEST, approvalsRequired: 2, approvals: [APPROVER] }),
        mine: manyRequests(40, 'pending', LONGEST),
        recent: [
          ...manyRequests(5, 'failed', LONGEST),
          ...manyRequests(5, 'denied', LONGEST),
          ...manyRequests(5, 'succeeded', { ...LONGEST, breakGlass: true }),
        ],
        notice: LONG_TEXT.slice(0, 3000),
      }),
    'home',
    ROWS_PER_ITEM,
  ],
];

describe('every block set the app renders', () => {
  it.each(SURFACES)('keeps the %s within Block Kit limits', (_name, render, surface, opts) => {
    expect(problemsOf(surface, render(), opts)).toEqual([]);
  });
});

// Once found by this suite: escaping after a cut grew & < > past the limits; names over 150 left no options.
describe('the edge cases that once broke the limits', () => {
  it.each([
    ['a denial reason', requestIn('denied', { ...LONGEST, reason: '&'.repeat(500) })],
    ['a break-glass reason', requestIn('running', { ...LONGEST, breakGlass: true, reason: '<'.repeat(500) })],
    ['Lightsail error details', requestIn('failed', { ...LONGEST, errorDetails: '&'.repeat(1000) })],
  ])('keeps the card within limits when %s is all & < >', (_what, request) => {
    expect(problemsOf('message', renderApprovalCard(request))).toEqual([]);
  });

  it('offers a usable picker when every name is over 150 characters', () => {
    expect(problemsOf('message', renderPicker(manyNames(3, 255)))).toEqual([]);
  });
});

const WORD = [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_'];
const MARKUP = fc.constantFrom(
  '*',
  '_',
  '~',
  '`',
  ':',
  '|',
  ' ',
  '\n',
  'a',
  'é',
  '😀',
  '\u200b',
  '&',
  '<',
  '>',
);

/** Strings of up to `max` units, half the time close to `max`: the long end is where limits break. */
function upTo(unit: fc.Arbitrary<string> | 'binary', max: number, min = 0): fc.Arbitrary<string> {
  return fc
    .oneof(
      fc.string({ unit, minLength: min, maxLength: max }),
      fc.string({ unit, minLength: Math.max(min, max - 8), maxLength: max }),
    )
    .map((text) => text.slice(0, max));
}

const anyName = fc
  .tuple(fc.constantFrom(...WORD), upTo(fc.constantFrom(...WORD, '-'), 253), fc.constantFrom(...WORD))
  .map(([first, middle, last]) => `${first}${middle}${last}`);
const anyHost = upTo(fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789.-'), 253, 1);
const anyFreeText = (max: number) => fc.oneof(upTo('binary', max), upTo(MARKUP, max));
const anyUser = fc.stringMatching(/^U[A-Z0-9]{8,10}$/);
const anyTime = fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2035, 0, 1) });
const anyDelay = fc.integer({ min: 0, max: 7 * 86_400_000 });
const maybe = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined });

const anyRequest: fc.Arbitrary<ResetRequest> = fc
  .record({
    id: fc.stringMatching(REQUEST_ID),
    state: fc.constantFrom(...REQUEST_STATES),
    distributionName: anyName,
    domainName: maybe(anyHost),
    requesterId: anyUser,
    channelId: fc.stringMatching(/^C[A-Z0-9]{8,10}$/),
    cardTs: maybe(fc.stringMatching(/^\d{10}\.\d{6}$/)),
    createdAt: anyTime,
    ttl: anyDelay,
    decidedBy: maybe(anyUser),
    decidedAfter: maybe(anyDelay),
    operationId: maybe(fc.uuid()),
    operationStatus: maybe(fc.constantFrom('NotStarted', 'Started', 'Failed', 'Completed', 'Succeeded')),
    startedAfter: maybe(anyDelay),
    ranFor: maybe(anyDelay),
    errorCode: maybe(fc.constantFrom('InternalFailure', 'InvalidInputException', 'ServiceException')),
    errorDetails: maybe(anyFreeText(1000)),
    ruleName: fc.oneof(fc.constant('default'), upTo(fc.constantFrom(...WORD, '-', '*', '?'), 64, 1)),
    approvalsRequired: fc.integer({ min: 1, max: 5 }),
    approverUsers: fc.array(anyUser, { maxLength: 10 }),
    approverGroups: fc.array(fc.stringMatching(/^S[A-Z0-9]{8,10}$/), { maxLength: 10 }),
    approvals: fc.uniqueArray(anyUser, { maxLength: 5 }),
    breakGlass: fc.boolean(),
    alternativeDomains: fc.array(anyHost, { maxLength: 10 }),
    originName: maybe(anyFreeText(255)),
    distributionStatus: maybe(fc.constantFrom('Deployed', 'InProgress', 'Failed')),
    lastResetAt: maybe(anyTime),
    reason: maybe(anyFreeText(500)),
    purpose: maybe(anyFreeText(500)),
    workflowExecutionId: maybe(fc.stringMatching(/^Wf[A-Z0-9]{10}$/)),
  })
  .map(({ ttl, decidedAfter, startedAfter, ranFor, ...fields }) => {
    const startedAt = startedAfter === undefined ? undefined : fields.createdAt + startedAfter;
    return ResetRequestSchema.parse({
      ...fields,
      expiresAt: fields.createdAt + ttl,
      decidedAt: decidedAfter === undefined ? undefined : fields.createdAt + decidedAfter,
      startedAt,
      finishedAt: startedAt === undefined || ranFor === undefined ? undefined : startedAt + ranFor,
    });
  });

const anyListing = fc.uniqueArray(anyName, { maxLength: 150 });
const anyRequests = (maxLength: number) => fc.uniqueArray(anyRequest, { maxLength, selector: (r) => r.id });

function forAny<T>(
  input: fc.Arbitrary<T>,
  render: (value: T) => unknown,
  surface: Surface,
  opts?: ViewOptions,
): () => void {
  return () =>
    fc.assert(
      fc.property(input, (value) => {
        expect(problemsOf(surface, render(value), opts)).toEqual([]);
      }),
      { numRuns: 300 },
    );
}

/** Renderers over generated input; a new renderer gets a row here too. */
const GENERATED: ReadonlyArray<[name: string, check: () => void]> = [
  ['approval card', forAny(anyRequest, renderApprovalCard, 'message')],
  ['deny dialog', forAny(anyRequest, denyDialog, 'modal')],
  [
    'suggestion reply',
    forAny(
      fc.tuple(anyName, fc.uniqueArray(anyName, { minLength: 1, maxLength: 3 })),
      ([typed, names]) => suggestionReply(typed, names),
      'message',
    ),
  ],
  ['distribution picker', forAny(anyListing, renderPicker, 'message')],
  [
    'Home tab',
    forAny(
      fc.record({
        waiting: anyRequests(20),
        mine: anyRequests(12),
        recent: anyRequests(12),
        notice: maybe(anyFreeText(3000)),
      }),
      renderHome,
      'home',
      ROWS_PER_ITEM,
    ),
  ],
];

describe('for any input', () => {
  it.each(GENERATED)('keeps the %s within Block Kit limits', (_name, check) => {
    check();
  });
});
