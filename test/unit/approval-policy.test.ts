import { describe, expect, it } from 'vitest';
import {
  type ApprovalPolicy,
  listApprovers,
  mayCancel,
  mayDecide,
  mayRequest,
} from '../../src/domain/approval-policy.js';
import type { ResetRequest } from '../../src/domain/reset-request.js';

const APPROVER = 'UAPPROVER1';
const OTHER_APPROVER = 'UAPPROVER2';
const REQUESTER = 'UREQUESTER';
const BYSTANDER = 'UBYSTANDER';

function policy(overrides: Partial<ApprovalPolicy> = {}): ApprovalPolicy {
  return {
    approverUserIds: [APPROVER, OTHER_APPROVER],
    requesterUserIds: [],
    allowedChannelIds: [],
    allowSelfApproval: false,
    ...overrides,
  };
}

function requestBy(requesterId: string): ResetRequest {
  return {
    id: 'rtest0000001',
    state: 'pending',
    distributionName: 'web-prod',
    requesterId,
    channelId: 'COPS',
    createdAt: 1_700_000_000_000,
    expiresAt: 1_700_001_800_000,
  };
}

describe('mayRequest', () => {
  // requester allowlist, channel allowlist, who asks, where
  it.each([
    [[], [], BYSTANDER, 'CRANDOM'],
    [[REQUESTER], [], REQUESTER, 'CRANDOM'],
    [[], ['COPS', 'CINFRA'], BYSTANDER, 'CINFRA'],
    [[REQUESTER], ['COPS'], REQUESTER, 'COPS'],
  ])('with requesters %j and channels %j lets %s ask in %s', (requesters, channels, user, channel) => {
    const verdict = mayRequest(
      policy({ requesterUserIds: requesters, allowedChannelIds: channels }),
      user,
      channel,
    );
    expect(verdict).toEqual({ allowed: true });
  });

  it.each([
    { channels: ['COPS'], named: ['<#COPS>'] },
    { channels: ['COPS', 'CINFRA'], named: ['<#COPS>', '<#CINFRA>'] },
  ])('refuses another channel and names the allowed ones: $named', ({ channels, named }) => {
    const verdict = mayRequest(policy({ allowedChannelIds: channels }), REQUESTER, 'CRANDOM');
    expect(verdict.allowed).toBe(false);
    if (verdict.allowed) return;
    for (const channel of named) expect(verdict.reason).toContain(channel);
    expect(verdict.reason).not.toContain('CRANDOM');
  });

  it('refuses someone who is not on a non-empty requester list', () => {
    const verdict = mayRequest(policy({ requesterUserIds: [REQUESTER] }), BYSTANDER, 'COPS');
    expect(verdict).toEqual({ allowed: false, reason: expect.stringMatching(/not on the list/) });
  });

  it('names the channel problem first when both the channel and the person are wrong', () => {
    const verdict = mayRequest(
      policy({ requesterUserIds: [REQUESTER], allowedChannelIds: ['COPS'] }),
      BYSTANDER,
      'CRANDOM',
    );
    expect(verdict).toEqual({ allowed: false, reason: expect.stringContaining('<#COPS>') });
  });
});

describe('mayDecide', () => {
  // who decides, whose request, ALLOW_SELF_APPROVAL, verdict
  it.each([
    [APPROVER, REQUESTER, false, 'allowed'],
    [APPROVER, REQUESTER, true, 'allowed'],
    [APPROVER, OTHER_APPROVER, false, 'allowed'],
    [BYSTANDER, REQUESTER, false, 'refused'],
    [BYSTANDER, REQUESTER, true, 'refused'],
    [REQUESTER, REQUESTER, true, 'refused'],
    [APPROVER, APPROVER, false, 'refused'],
    [APPROVER, APPROVER, true, 'allowed'],
  ] as const)(
    '%s deciding on a request by %s with self-approval %s is %s',
    (user, requester, self, verdict) => {
      expect(mayDecide(policy({ allowSelfApproval: self }), user, requestBy(requester)).allowed).toBe(
        verdict === 'allowed',
      );
    },
  );

  it('refuses a self-approval unless ALLOW_SELF_APPROVAL, saying someone else has to approve', () => {
    const verdict = mayDecide(policy(), APPROVER, requestBy(APPROVER));
    expect(verdict).toEqual({ allowed: false, reason: expect.stringMatching(/someone else has to approve/) });
  });

  it('tells a non-approver who may approve', () => {
    const verdict = mayDecide(policy(), BYSTANDER, requestBy(REQUESTER));
    expect(verdict.allowed).toBe(false);
    if (verdict.allowed) return;
    expect(verdict.reason).toContain(`<@${APPROVER}>`);
    expect(verdict.reason).toContain(`<@${OTHER_APPROVER}>`);
    expect(verdict.reason).toMatch(/Nothing was changed/);
  });

  it('does not let a requester-list entry stand in for the approver list', () => {
    const verdict = mayDecide(policy({ requesterUserIds: [BYSTANDER] }), BYSTANDER, requestBy(REQUESTER));
    expect(verdict.allowed).toBe(false);
  });
});

describe('mayCancel', () => {
  it.each([
    { who: 'the requester', user: REQUESTER, allowed: true },
    { who: 'an approver', user: APPROVER, allowed: false },
    { who: 'a bystander', user: BYSTANDER, allowed: false },
  ])('allowed=$allowed when $who cancels', ({ user, allowed }) => {
    expect(mayCancel(user, requestBy(REQUESTER)).allowed).toBe(allowed);
  });

  it('tells others that only the person who asked can cancel', () => {
    expect(mayCancel(APPROVER, requestBy(REQUESTER))).toEqual({
      allowed: false,
      reason: expect.stringMatching(/Only the person who asked/),
    });
  });
});

describe('listApprovers', () => {
  it.each([
    [['U111'], '<@U111>'],
    [['U111', 'U222', 'U333'], '<@U111>, <@U222>, <@U333>'],
  ])('mentions the approvers %j as %j', (ids, text) => {
    expect(listApprovers(policy({ approverUserIds: ids }))).toBe(text);
  });
});
