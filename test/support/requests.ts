import { newRequestId, type RequestState, type ResetRequest } from '../../src/domain/reset-request.js';

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

/**
 * What a request made at `createdAt` has gained by the time it is in `state` (decided a minute later,
 * started a second after that, finished after about two minutes): fixed values, for cards and snapshots.
 */
export function fieldsInState(
  state: RequestState,
  who: { createdAt: number; requesterId: string; approverId: string },
): Partial<ResetRequest> {
  const { createdAt: t0, requesterId, approverId } = who;
  const decided = { decidedBy: approverId, decidedAt: t0 + 60_000, approvals: [approverId] };
  const started = {
    ...decided,
    operationId: 'op-7f3a',
    operationStatus: 'InProgress',
    startedAt: t0 + 61_000,
  };
  const finished = { ...started, finishedAt: t0 + 186_000 };
  const byState: Record<RequestState, Partial<ResetRequest>> = {
    pending: {},
    approved: decided,
    running: started,
    succeeded: { ...finished, operationStatus: 'Succeeded' },
    failed: {
      ...finished,
      operationStatus: 'Failed',
      errorCode: 'InternalFailure',
      errorDetails: 'the edge refused',
    },
    denied: { decidedBy: approverId, decidedAt: t0 + 60_000 },
    expired: {},
    cancelled: { decidedBy: requesterId, decidedAt: t0 + 60_000 },
  };
  return byState[state];
}
