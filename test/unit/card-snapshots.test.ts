import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { renderHome } from '../../src/domain/app-home.js';
import { renderApprovalCard } from '../../src/domain/approval-card.js';
import { denyDialog } from '../../src/domain/deny-dialog.js';
import { renderPicker } from '../../src/domain/distribution-picker.js';
import type { RequestState, ResetRequest } from '../../src/domain/reset-request.js';
import { suggestionReply } from '../../src/domain/suggestions.js';
import { aRequest, fieldsInState } from '../support/requests.js';

const T0 = Date.UTC(2025, 0, 15, 9, 30, 0);
const REQUESTER = 'UREQ1';
const APPROVER = 'UAPP1';

/** A request as it looks in each state, with fixed ids and times. */
function requestIn(state: RequestState, overrides: Partial<ResetRequest> = {}): ResetRequest {
  return aRequest({
    id: 'rm5x1abcd0000',
    state,
    distributionName: 'web-prod',
    domainName: 'd111111abcdef8.cloudfront.net',
    alternativeDomains: ['www.example.com', 'static.example.com'],
    originName: 'web-prod-origin',
    distributionStatus: 'Deployed',
    lastResetAt: T0 - 3 * 86_400_000,
    requesterId: REQUESTER,
    channelId: 'COPS1',
    cardTs: '1736933400.000100',
    createdAt: T0,
    expiresAt: T0 + 30 * 60_000,
    approverUsers: [APPROVER, 'UAPP2'],
    approverGroups: ['SOPS1'],
    ...fieldsInState(state, { createdAt: T0, requesterId: REQUESTER, approverId: APPROVER }),
    ...overrides,
  });
}

const cardOf = (request: ResetRequest) => {
  const { text, blocks, metadata } = renderApprovalCard(request);
  return { text, blocks, metadata };
};

const SNAPSHOTS: ReadonlyArray<[name: string, render: () => unknown]> = [
  ['approval-card-pending', () => cardOf(requestIn('pending'))],
  [
    'approval-card-pending-1-of-2',
    () => cardOf(requestIn('pending', { approvalsRequired: 2, approvals: [APPROVER] })),
  ],
  ['approval-card-approved', () => cardOf(requestIn('approved'))],
  ['approval-card-running', () => cardOf(requestIn('running'))],
  ['approval-card-succeeded', () => cardOf(requestIn('succeeded'))],
  ['approval-card-failed', () => cardOf(requestIn('failed'))],
  [
    'approval-card-denied-with-reason',
    () => cardOf(requestIn('denied', { reason: 'Not during the sale <!here>' })),
  ],
  ['approval-card-expired', () => cardOf(requestIn('expired'))],
  ['approval-card-cancelled', () => cardOf(requestIn('cancelled'))],
  [
    'approval-card-break-glass-running',
    () =>
      cardOf(
        requestIn('running', {
          breakGlass: true,
          reason: 'A leaked file is being served; pulling it now',
          ruleName: 'web-*',
          decidedBy: REQUESTER,
          decidedAt: T0,
          approvals: [],
        }),
      ),
  ],
  [
    'approval-card-from-a-workflow',
    () =>
      cardOf(
        requestIn('pending', { workflowExecutionId: 'Fx0WORKFLOW1', purpose: 'Release 4.2 shipped new CSS' }),
      ),
  ],
  ['suggestion-reply', () => suggestionReply('web-prd', ['web-prod', 'web-prod-eu'])],
  ['deny-dialog', () => denyDialog(requestIn('pending'))],
  ['picker', () => renderPicker(['web-prod', 'docs_site', 'web-staging'])],
  ['picker-type-ahead', () => renderPicker(Array.from({ length: 120 }, (_, i) => `site-${i}`))],
  ['picker-empty', () => renderPicker([])],
  [
    'app-home',
    () =>
      renderHome({
        waiting: [requestIn('pending', { id: 'rwaiting00001' })],
        mine: [requestIn('pending', { id: 'rmine0000001', distributionName: 'docs_site' })],
        recent: [requestIn('succeeded', { id: 'rdone0000001' }), requestIn('failed', { id: 'rfail0000001' })],
        notice:
          ':no_entry: You asked for this reset, so someone else has to approve it. Nothing was changed.',
      }),
  ],
  ['app-home-empty', () => renderHome({ waiting: [], mine: [], recent: [] })],
];

describe('card snapshots', () => {
  // Nothing rendered here should read the clock; pinning it keeps a future reader from making snapshots drift.
  beforeAll(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(T0 + 5 * 60_000);
  });
  afterAll(() => {
    vi.useRealTimers();
  });

  it.each(SNAPSHOTS)('renders the %s as before', async (name, render) => {
    await expect(`${JSON.stringify(render(), null, 2)}\n`).toMatchFileSnapshot(
      `./__snapshots__/cards/${name}.json`,
    );
  });
});
