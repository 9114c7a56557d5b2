import { describe, expect, it } from 'vitest';
import { isFromOurInstall } from '../../src/slack/guards/delivery-guards.js';

describe('isFromOurInstall', () => {
  it.each([
    ['our workspace', { teamId: 'T1' }, { teamId: 'T1' }, true],
    ['another workspace', { teamId: 'T2' }, { teamId: 'T1' }, false],
    ['a request naming no workspace', {}, { teamId: 'T1' }, true],
    [
      'any workspace of our org, for an org-wide install',
      { teamId: 'T2', enterpriseId: 'E1' },
      { teamId: undefined, enterpriseId: 'E1' },
      true,
    ],
    [
      'a workspace of another org',
      { teamId: 'T2', enterpriseId: 'E2' },
      { teamId: undefined, enterpriseId: 'E1' },
      false,
    ],
    [
      'a workspace naming no org, for an org-wide install',
      { teamId: 'T2' },
      { teamId: undefined, enterpriseId: 'E1' },
      false,
    ],
    [
      'another workspace of the org, for a workspace install in a Grid',
      { teamId: 'T2', enterpriseId: 'E1' },
      { teamId: 'T1' },
      false,
    ],
  ])('judges %s', (_what, delivery, ours, expected) => {
    expect(isFromOurInstall(delivery, ours)).toBe(expected);
  });
});
