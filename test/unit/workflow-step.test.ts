import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkDistributionName } from '../../src/domain/distribution-name.js';
import { REQUEST_STATES } from '../../src/domain/reset-request.js';
import { readStepInputs, stepOutcome } from '../../src/domain/workflow-step.js';
import { aRequest } from '../support/requests.js';

const good = { distribution_name: 'web-prod', requester: 'U0REQUEST', channel: 'C0DEPLOYS' };

describe('readStepInputs', () => {
  it('reads the inputs of a valid step, trimming the name and the reason', () => {
    expect(readStepInputs({ ...good, distribution_name: ' web-prod ', reason: '  new CSS  ' })).toEqual({
      ok: true,
      distributionName: 'web-prod',
      requesterId: 'U0REQUEST',
      channelId: 'C0DEPLOYS',
      reason: 'new CSS',
    });
    expect(readStepInputs({ ...good, reason: '   ' })).toMatchObject({ ok: true, reason: undefined });
  });

  it.each([
    [{ ...good, distribution_name: 'web prod' }, /without spaces/],
    [{ ...good, distribution_name: '' }, /.+/],
    [{ ...good, requester: 'not-a-user' }, /requester.*Slack user/],
    [{ ...good, channel: 'general' }, /channel.*Slack channel/],
    [{ ...good, reason: 'r'.repeat(501) }, /reason.*under 500/],
    [{ distribution_name: 'web-prod', channel: 'C0DEPLOYS' }, /requester/],
    [null, /distribution_name/],
    ['web-prod', /inputs/],
  ])('refuses %j with a readable problem', (inputs, problem) => {
    const read = readStepInputs(inputs);
    expect(read.ok).toBe(false);
    if (!read.ok) expect(read.problem).toMatch(problem);
  });

  it('never throws, and only accepts names the slash command would accept (property)', () => {
    fc.assert(
      fc.property(fc.anything(), fc.string(), (inputs, name) => {
        const read = readStepInputs(inputs);
        if (read.ok) expect(checkDistributionName(read.distributionName).ok).toBe(true);
        const named = readStepInputs({ ...good, distribution_name: name });
        expect(named.ok).toBe(checkDistributionName(name.trim()).ok);
      }),
      { numRuns: 500 },
    );
  });
});

describe('stepOutcome', () => {
  it('completes with the outputs when the reset succeeded', () => {
    const request = aRequest({
      id: 'rdone0000001',
      state: 'succeeded',
      operationId: 'op-1',
      startedAt: 10_000,
      finishedAt: 73_400,
    });
    expect(stepOutcome(request)).toEqual({
      kind: 'success',
      outputs: {
        request_id: 'rdone0000001',
        status: 'succeeded',
        operation_id: 'op-1',
        duration_seconds: 63,
      },
    });
  });

  it.each([
    [
      { state: 'failed', errorCode: 'InternalFailure', errorDetails: 'origin timed out' },
      /failed \(InternalFailure: origin timed out\)/,
    ],
    [{ state: 'denied', reason: 'not during the sale' }, /was denied: not during the sale/],
    [{ state: 'denied' }, /was denied\. Request/],
    [{ state: 'expired' }, /expired: nobody approved it in time/],
    [{ state: 'cancelled' }, /was cancelled/],
  ] as const)('fails the step when the request ends %j', (fields, error) => {
    const outcome = stepOutcome(aRequest({ id: 'rend00000001', ...fields }));
    expect(outcome?.kind).toBe('error');
    if (outcome?.kind === 'error') {
      expect(outcome.error).toMatch(error);
      expect(outcome.error).toContain('rend00000001');
    }
  });

  it('leaves the step open while the request is not finished', () => {
    for (const state of REQUEST_STATES.filter((s) => ['pending', 'approved', 'running'].includes(s))) {
      expect(stepOutcome(aRequest({ state }))).toBeUndefined();
    }
  });
});
