import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  cooldownLeft,
  type GroupMembers,
  globMatches,
  groupsOf,
  isAmong,
  isEmpty,
  mayBreakGlass,
  mayCancel,
  mayDecide,
  mayRequest,
  mentionPeople,
  type People,
  type Policy,
  type Rule,
  ruleFor,
} from '../../src/domain/policy.js';
import { aRequest } from '../support/requests.js';

const REQUESTER = 'UREQUESTER';
const APPROVER = 'UAPPROVER';
const OTHER_APPROVER = 'UAPPROVER2';
const APPROVER_GROUP_MEMBER = 'UAPPGROUPIE';
const REQUESTER_GROUP_MEMBER = 'UREQGROUPIE';
const GLASS_HOLDER = 'UGLASS';
const ON_CALL = 'UONCALL';
const STRANGER = 'USTRANGER';

const APPROVER_GROUP = 'SAPPROVERS';
const REQUESTER_GROUP = 'SREQUESTERS';
const ON_CALL_GROUP = 'SONCALL';

const OPS_CHANNEL = 'COPS';
const INFRA_CHANNEL = 'GINFRA';
const RANDOM_CHANNEL = 'CRANDOM';

const NOBODY: People = { users: [], groups: [] };

const MEMBERS: GroupMembers = new Map([
  [APPROVER_GROUP, new Set([APPROVER_GROUP_MEMBER])],
  [REQUESTER_GROUP, new Set([REQUESTER_GROUP_MEMBER])],
  [ON_CALL_GROUP, new Set([ON_CALL])],
]);

function aRule(overrides: Partial<Rule> = {}): Rule {
  return {
    name: 'default',
    resettable: true,
    approvers: { users: [APPROVER, OTHER_APPROVER], groups: [APPROVER_GROUP] },
    approvalsRequired: 1,
    requesters: NOBODY,
    channels: [],
    allowSelfApproval: false,
    ttlMs: 30 * 60_000,
    remindAfterMs: undefined,
    cooldownMs: undefined,
    breakGlass: NOBODY,
    ...overrides,
  };
}

const REQUESTERS_LISTED: Partial<Rule> = {
  requesters: { users: [REQUESTER], groups: [REQUESTER_GROUP] },
};
const CHANNELS_LISTED: Partial<Rule> = { channels: [OPS_CHANNEL, INFRA_CHANNEL] };

describe('mayRequest', () => {
  it.each([
    { who: 'anyone', user: STRANGER, channel: RANDOM_CHANNEL, rule: {}, verdict: 'allowed' },
    {
      who: 'a listed requester',
      user: REQUESTER,
      channel: RANDOM_CHANNEL,
      rule: REQUESTERS_LISTED,
      verdict: 'allowed',
    },
    {
      who: 'a requester-group member',
      user: REQUESTER_GROUP_MEMBER,
      channel: RANDOM_CHANNEL,
      rule: REQUESTERS_LISTED,
      verdict: 'allowed',
    },
    {
      who: 'a non-member',
      user: STRANGER,
      channel: RANDOM_CHANNEL,
      rule: REQUESTERS_LISTED,
      verdict: 'refused',
    },
    {
      who: 'an approver who is no requester',
      user: APPROVER,
      channel: OPS_CHANNEL,
      rule: REQUESTERS_LISTED,
      verdict: 'refused',
    },
    {
      who: 'anyone in an allowed channel',
      user: STRANGER,
      channel: INFRA_CHANNEL,
      rule: CHANNELS_LISTED,
      verdict: 'allowed',
    },
    {
      who: 'anyone in another channel',
      user: STRANGER,
      channel: RANDOM_CHANNEL,
      rule: CHANNELS_LISTED,
      verdict: 'refused',
    },
    {
      who: 'a listed requester in an allowed channel',
      user: REQUESTER,
      channel: OPS_CHANNEL,
      rule: { ...REQUESTERS_LISTED, ...CHANNELS_LISTED },
      verdict: 'allowed',
    },
    {
      who: 'a listed requester in another channel',
      user: REQUESTER,
      channel: RANDOM_CHANNEL,
      rule: { ...REQUESTERS_LISTED, ...CHANNELS_LISTED },
      verdict: 'refused',
    },
    {
      who: 'a listed requester in an allowed channel of a non-resettable distribution',
      user: REQUESTER,
      channel: OPS_CHANNEL,
      rule: { ...REQUESTERS_LISTED, ...CHANNELS_LISTED, resettable: false },
      verdict: 'refused',
    },
    {
      who: 'a break-glass holder on a non-resettable distribution',
      user: GLASS_HOLDER,
      channel: OPS_CHANNEL,
      rule: { resettable: false, breakGlass: { users: [GLASS_HOLDER], groups: [] } },
      verdict: 'refused',
    },
  ] as const)('says $verdict when $who asks in $channel', ({ user, channel, rule, verdict }) => {
    expect(mayRequest(aRule(rule), user, channel, MEMBERS).allowed).toBe(verdict === 'allowed');
  });

  it('refuses a requester-group member whose group could not be looked up', () => {
    const verdict = mayRequest(aRule(REQUESTERS_LISTED), REQUESTER_GROUP_MEMBER, OPS_CHANNEL, new Map());
    expect(verdict.allowed).toBe(false);
  });

  it('says a non-resettable distribution may not be reset from Slack', () => {
    expect(mayRequest(aRule({ resettable: false }), REQUESTER, OPS_CHANNEL, MEMBERS)).toEqual({
      allowed: false,
      reason: expect.stringMatching(/may not be reset from Slack/),
    });
  });

  it('refuses another channel and names the allowed ones, not the one used', () => {
    const verdict = mayRequest(aRule(CHANNELS_LISTED), REQUESTER, RANDOM_CHANNEL, MEMBERS);
    expect(verdict.allowed).toBe(false);
    if (verdict.allowed) return;
    expect(verdict.reason).toContain(`<#${OPS_CHANNEL}>, <#${INFRA_CHANNEL}>`);
    expect(verdict.reason).not.toContain(RANDOM_CHANNEL);
  });

  it('tells a non-member who may ask, users and groups', () => {
    const verdict = mayRequest(aRule(REQUESTERS_LISTED), STRANGER, OPS_CHANNEL, MEMBERS);
    expect(verdict.allowed).toBe(false);
    if (verdict.allowed) return;
    expect(verdict.reason).toMatch(/not among the people who may request/);
    expect(verdict.reason).toContain(`<@${REQUESTER}>`);
    expect(verdict.reason).toContain(`<!subteam^${REQUESTER_GROUP}>`);
  });

  it.each([
    ['not resettable before the channel', { resettable: false }, /may not be reset/],
    ['the channel before the person', {}, /<#COPS>/],
  ])('names the first problem when several apply: %s', (_order, change, reason) => {
    const rule = aRule({ ...REQUESTERS_LISTED, channels: [OPS_CHANNEL], ...change });
    expect(mayRequest(rule, STRANGER, RANDOM_CHANNEL, MEMBERS)).toEqual({
      allowed: false,
      reason: expect.stringMatching(reason),
    });
  });
});

describe('mayDecide for a denial', () => {
  it('lets an approver who already approved deny after all', () => {
    const request = aRequest({ requesterId: REQUESTER, approvals: [APPROVER] });
    expect(mayDecide(aRule(), APPROVER, request, MEMBERS, 'deny')).toEqual({ allowed: true });
    expect(mayDecide(aRule(), APPROVER, request, MEMBERS, 'approve').allowed).toBe(false);
  });
});

describe('mayDecide', () => {
  it.each([
    {
      who: 'a listed approver',
      user: APPROVER,
      requester: REQUESTER,
      approvals: [],
      self: false,
      verdict: 'allowed',
    },
    {
      who: 'an approver-group member',
      user: APPROVER_GROUP_MEMBER,
      requester: REQUESTER,
      approvals: [],
      self: false,
      verdict: 'allowed',
    },
    {
      who: 'a stranger',
      user: STRANGER,
      requester: REQUESTER,
      approvals: [],
      self: false,
      verdict: 'refused',
    },
    {
      who: 'a stranger',
      user: STRANGER,
      requester: REQUESTER,
      approvals: [],
      self: true,
      verdict: 'refused',
    },
    {
      who: 'a requester-group member',
      user: REQUESTER_GROUP_MEMBER,
      requester: REQUESTER,
      approvals: [],
      self: false,
      verdict: 'refused',
    },
    {
      who: 'the requester (no approver)',
      user: REQUESTER,
      requester: REQUESTER,
      approvals: [],
      self: true,
      verdict: 'refused',
    },
    {
      who: 'an approver on their own request',
      user: APPROVER,
      requester: APPROVER,
      approvals: [],
      self: false,
      verdict: 'refused',
    },
    {
      who: 'an approver on their own request',
      user: APPROVER,
      requester: APPROVER,
      approvals: [],
      self: true,
      verdict: 'allowed',
    },
    {
      who: 'a group member on their own request',
      user: APPROVER_GROUP_MEMBER,
      requester: APPROVER_GROUP_MEMBER,
      approvals: [],
      self: false,
      verdict: 'refused',
    },
    {
      who: 'a group member on their own request',
      user: APPROVER_GROUP_MEMBER,
      requester: APPROVER_GROUP_MEMBER,
      approvals: [],
      self: true,
      verdict: 'allowed',
    },
    {
      who: 'an approver who already approved',
      user: APPROVER,
      requester: REQUESTER,
      approvals: [APPROVER],
      self: false,
      verdict: 'refused',
    },
    {
      who: 'an approver who already approved their own request',
      user: APPROVER,
      requester: APPROVER,
      approvals: [APPROVER],
      self: true,
      verdict: 'refused',
    },
    {
      who: 'a second approver after the first',
      user: OTHER_APPROVER,
      requester: REQUESTER,
      approvals: [APPROVER],
      self: false,
      verdict: 'allowed',
    },
    {
      who: 'a group member after a listed approver',
      user: APPROVER_GROUP_MEMBER,
      requester: REQUESTER,
      approvals: [APPROVER],
      self: false,
      verdict: 'allowed',
    },
  ] as const)(
    'says $verdict when $who decides with self-approval $self and approvals $approvals',
    ({ user, requester, approvals, self, verdict }) => {
      const request = aRequest({ requesterId: requester, approvals: [...approvals] });
      expect(mayDecide(aRule({ allowSelfApproval: self }), user, request, MEMBERS).allowed).toBe(
        verdict === 'allowed',
      );
    },
  );

  it('refuses an approver-group member whose group could not be looked up', () => {
    const request = aRequest({ requesterId: REQUESTER });
    expect(mayDecide(aRule(), APPROVER_GROUP_MEMBER, request, new Map()).allowed).toBe(false);
  });

  it('does not let a requester-list entry or a break-glass right stand in for the approver list', () => {
    const rule = aRule({
      requesters: { users: [STRANGER], groups: [] },
      breakGlass: { users: [STRANGER], groups: [] },
    });
    expect(mayDecide(rule, STRANGER, aRequest({ requesterId: REQUESTER }), MEMBERS).allowed).toBe(false);
  });

  it('tells a non-approver who may approve, users and groups, and that nothing changed', () => {
    const verdict = mayDecide(aRule(), STRANGER, aRequest({ requesterId: REQUESTER }), MEMBERS);
    expect(verdict.allowed).toBe(false);
    if (verdict.allowed) return;
    expect(verdict.reason).toContain(`<@${APPROVER}>, <@${OTHER_APPROVER}>, <!subteam^${APPROVER_GROUP}>`);
    expect(verdict.reason).toMatch(/Nothing was changed/);
  });

  it('refuses a self-approval unless allowed, saying someone else has to approve', () => {
    const verdict = mayDecide(aRule(), APPROVER, aRequest({ requesterId: APPROVER }), MEMBERS);
    expect(verdict).toEqual({ allowed: false, reason: expect.stringMatching(/someone else has to approve/) });
  });

  it('refuses a second approval by the same person, saying another approver is needed', () => {
    const request = aRequest({ requesterId: REQUESTER, approvals: [APPROVER] });
    expect(mayDecide(aRule(), APPROVER, request, MEMBERS)).toEqual({
      allowed: false,
      reason: expect.stringMatching(/already approved/),
    });
  });
});

describe('mayCancel', () => {
  it.each([
    { who: 'the requester', user: REQUESTER, allowed: true },
    { who: 'an approver', user: APPROVER, allowed: false },
    { who: 'a stranger', user: STRANGER, allowed: false },
  ])('allowed=$allowed when $who cancels', ({ user, allowed }) => {
    expect(mayCancel(user, aRequest({ requesterId: REQUESTER })).allowed).toBe(allowed);
  });

  it('tells others that only the person who asked can cancel', () => {
    expect(mayCancel(APPROVER, aRequest({ requesterId: REQUESTER }))).toEqual({
      allowed: false,
      reason: expect.stringMatching(/Only the person who asked/),
    });
  });
});

describe('mayBreakGlass', () => {
  const GLASS: Partial<Rule> = { breakGlass: { users: [GLASS_HOLDER], groups: [ON_CALL_GROUP] } };
  const REASON = 'origin served a broken bundle';

  it.each([
    { who: 'a listed break-glass user', user: GLASS_HOLDER, reason: REASON, rule: GLASS, verdict: 'allowed' },
    { who: 'a break-glass group member', user: ON_CALL, reason: REASON, rule: GLASS, verdict: 'allowed' },
    { who: 'an approver without the right', user: APPROVER, reason: REASON, rule: GLASS, verdict: 'refused' },
    {
      who: 'a requester without the right',
      user: REQUESTER,
      reason: REASON,
      rule: GLASS,
      verdict: 'refused',
    },
    {
      who: 'a listed user with an empty reason',
      user: GLASS_HOLDER,
      reason: '',
      rule: GLASS,
      verdict: 'refused',
    },
    {
      who: 'a listed user with a blank reason',
      user: GLASS_HOLDER,
      reason: ' \t\n ',
      rule: GLASS,
      verdict: 'refused',
    },
    {
      who: 'a listed user with a two-letter reason',
      user: GLASS_HOLDER,
      reason: ' ok ',
      rule: GLASS,
      verdict: 'refused',
    },
    {
      who: 'a listed user with a three-letter reason',
      user: GLASS_HOLDER,
      reason: 'bug',
      rule: GLASS,
      verdict: 'allowed',
    },
    {
      who: 'an approver when break-glass is off',
      user: APPROVER,
      reason: REASON,
      rule: {},
      verdict: 'refused',
    },
    {
      who: 'an on-call member when break-glass is off',
      user: ON_CALL,
      reason: REASON,
      rule: {},
      verdict: 'refused',
    },
  ] as const)('says $verdict for $who', ({ user, reason, rule, verdict }) => {
    expect(mayBreakGlass(aRule(rule), user, reason, MEMBERS).allowed).toBe(verdict === 'allowed');
  });

  it('refuses a break-glass group member whose group could not be looked up', () => {
    expect(mayBreakGlass(aRule(GLASS), ON_CALL, REASON, new Map()).allowed).toBe(false);
  });

  it.each([
    ['break-glass is off', STRANGER, REASON, {}, /turned off/],
    ['break-glass is off, even without a reason', STRANGER, '', {}, /turned off/],
    ['the person holds no right', STRANGER, REASON, GLASS, /Only <@UGLASS>, <!subteam\^SONCALL> may reset/],
    ['the person holds no right, even without a reason', STRANGER, '', GLASS, /Only <@UGLASS>/],
    ['the reason is missing', GLASS_HOLDER, '', GLASS, /needs a reason/],
  ] as const)('explains the refusal when %s', (_why, user, reason, rule, explanation) => {
    expect(mayBreakGlass(aRule(rule), user, reason, MEMBERS)).toEqual({
      allowed: false,
      reason: expect.stringMatching(explanation),
    });
  });
});

describe('globMatches', () => {
  it.each([
    ['web-prod*', 'web-prod', true],
    ['web-prod*', 'web-prod-eu', true],
    ['web-prod*', 'web-prod2', true],
    ['web-prod*', 'web-pro', false],
    ['web-prod*', 'xweb-prod', false],
    ['web-prod*', 'web-staging', false],
    ['*-staging', 'api-staging', true],
    ['*-staging', 'a-b-staging', true],
    ['*-staging', 'staging', false],
    ['*-staging', 'api-staging-2', false],
    ['docs_?', 'docs_a', true],
    ['docs_?', 'docs_1', true],
    ['docs_?', 'docs_', false],
    ['docs_?', 'docs_ab', false],
    ['docs_?', 'docsxa', false],
    ['web-prod', 'web-prod', true],
    ['web-prod', 'web-prod-eu', false],
    ['web-prod', 'my-web-prod', false],
    ['*', 'anything_at-all', true],
    ['a*b', 'ab', true],
    ['a*b', 'axxb', true],
    ['a*b', 'axxc', false],
    ['a.b', 'a.b', true],
    ['a.b', 'axb', false],
    ['a+', 'aa', false],
    ['a+', 'a+', true],
    ['(a|b)', 'a', false],
    ['[ab]', 'a', false],
    ['a{2}', 'aa', false],
    ['\\d', '1', false],
    ['^a$', '^a$', true],
  ] as const)('%s against %s matches: %s', (pattern, name, matches) => {
    expect(globMatches(pattern, name)).toBe(matches);
  });

  it('treats a pattern without wildcards as that exact text, whatever its characters', () => {
    const literal = fc.string({ unit: 'grapheme-ascii' }).filter((text) => !/[*?\n\r]/.test(text));
    fc.assert(
      fc.property(literal, literal, (pattern, name) => {
        expect(globMatches(pattern, pattern)).toBe(true);
        expect(globMatches(pattern, name)).toBe(pattern === name);
      }),
      { numRuns: 500 },
    );
  });
});

describe('ruleFor', () => {
  const prod = aRule({ name: 'web-prod*', approvalsRequired: 2 });
  const web = aRule({ name: 'web-*' });
  const docs = aRule({ name: 'docs, docs_?', allowSelfApproval: true });
  const fallback = aRule({ name: 'default' });
  const prodEntry = { patterns: ['web-prod*'], rule: prod };
  const webEntry = { patterns: ['web-*'], rule: web };
  const policy: Policy = {
    rules: [prodEntry, webEntry, { patterns: ['docs', 'docs_?'], rule: docs }],
    fallback,
  };

  it.each([
    ['web-prod', prod],
    ['web-prod-eu', prod],
    ['web-staging', web],
    ['docs', docs],
    ['docs_2', docs],
    ['docs_22', fallback],
    ['api', fallback],
  ])('chooses the rule for %s', (name, rule) => {
    expect(ruleFor(policy, name)).toBe(rule);
  });

  it('lets the first matching rule win when a broader one comes first', () => {
    expect(ruleFor({ rules: [webEntry, prodEntry], fallback }, 'web-prod')).toBe(web);
  });

  it('falls back when there are no rules', () => {
    expect(ruleFor({ rules: [], fallback }, 'web-prod')).toBe(fallback);
  });
});

describe('people', () => {
  it.each([
    [{ users: [APPROVER], groups: [] }, APPROVER, true],
    [{ users: [APPROVER], groups: [] }, STRANGER, false],
    [{ users: [], groups: [APPROVER_GROUP] }, APPROVER_GROUP_MEMBER, true],
    [{ users: [], groups: [APPROVER_GROUP] }, REQUESTER_GROUP_MEMBER, false],
    [{ users: [], groups: ['SUNKNOWN'] }, APPROVER_GROUP_MEMBER, false],
    [NOBODY, APPROVER, false],
  ])('isAmong(%j, %s) is %s', (people, user, among) => {
    expect(isAmong(people, user, MEMBERS)).toBe(among);
  });

  it('never counts a group id as a member of itself', () => {
    expect(isAmong({ users: [], groups: [APPROVER_GROUP] }, APPROVER_GROUP, MEMBERS)).toBe(false);
  });

  it.each([
    [NOBODY, true],
    [{ users: [APPROVER], groups: [] }, false],
    [{ users: [], groups: [APPROVER_GROUP] }, false],
  ])('isEmpty(%j) is %s', (people, empty) => {
    expect(isEmpty(people)).toBe(empty);
  });

  it.each([
    [{ users: ['U111'], groups: [] }, '<@U111>'],
    [{ users: ['U111', 'W222'], groups: ['S333'] }, '<@U111>, <@W222>, <!subteam^S333>'],
    [{ users: [], groups: ['S333', 'S444'] }, '<!subteam^S333>, <!subteam^S444>'],
    [NOBODY, 'nobody (no approvers are configured)'],
  ])('mentions %j as %s', (people, text) => {
    expect(mentionPeople(people)).toBe(text);
  });

  it('lists every group a decision depends on, once each', () => {
    const rule = aRule({
      approvers: { users: [APPROVER], groups: [APPROVER_GROUP, ON_CALL_GROUP] },
      requesters: { users: [], groups: [REQUESTER_GROUP, APPROVER_GROUP] },
      breakGlass: { users: [GLASS_HOLDER], groups: [ON_CALL_GROUP] },
    });
    expect([...groupsOf(rule)].sort()).toEqual([APPROVER_GROUP, ON_CALL_GROUP, REQUESTER_GROUP].sort());
  });

  it('lists no groups for a rule of users only', () => {
    expect(groupsOf(aRule({ approvers: { users: [APPROVER], groups: [] } }))).toEqual([]);
  });
});

describe('cooldownLeft', () => {
  const LAST = 1_700_000_000_000;
  const TEN_MINUTES = 10 * 60_000;

  it.each([
    ['no cooldown is set', undefined, LAST, LAST + 1, undefined],
    ['the distribution was never reset', TEN_MINUTES, undefined, LAST, undefined],
    ['the reset just succeeded', TEN_MINUTES, LAST, LAST, TEN_MINUTES],
    ['a minute has passed', TEN_MINUTES, LAST, LAST + 60_000, 9 * 60_000],
    ['one millisecond is left', TEN_MINUTES, LAST, LAST + TEN_MINUTES - 1, 1],
    ['the cooldown just ended', TEN_MINUTES, LAST, LAST + TEN_MINUTES, undefined],
    ['the cooldown ended long ago', TEN_MINUTES, LAST, LAST + 10 * TEN_MINUTES, undefined],
  ])('when %s, the time left is %s', (_when, cooldownMs, lastSuccessAt, now, left) => {
    expect(cooldownLeft(aRule({ cooldownMs }), lastSuccessAt, now)).toBe(left);
  });

  it('never reports a time left that is zero, negative or longer than the cooldown after the success', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 7 * 86_400_000 }),
        fc.integer({ min: 0, max: 8_640_000_000_000 }),
        fc.integer({ min: 0, max: 14 * 86_400_000 }),
        (cooldownMs, lastSuccessAt, elapsed) => {
          const left = cooldownLeft(aRule({ cooldownMs }), lastSuccessAt, lastSuccessAt + elapsed);
          if (elapsed >= cooldownMs) expect(left).toBeUndefined();
          else expect(left).toBe(cooldownMs - elapsed);
        },
      ),
    );
  });
});
