import { newRequestId, type ResetRequest } from '../../src/domain/reset-request.js';

/** A complete pending request for tests; override what the test is about. */
export function aRequest(overrides: Partial<ResetRequest> = {}): ResetRequest {
  const now = overrides.createdAt ?? Date.now();
  return {
    id: newRequestId(now),
    state: 'pending',
    distributionName: 'web-prod',
    requesterId: 'U0REQUEST',
    channelId: 'C0TEST',
    createdAt: now,
    expiresAt: now + 30 * 60_000,
    ruleName: 'default',
    approvalsRequired: 1,
    approverUsers: ['U0APPROVE'],
    approverGroups: [],
    approvals: [],
    breakGlass: false,
    alternativeDomains: [],
    ...overrides,
  };
}
