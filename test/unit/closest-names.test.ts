import { describe, expect, it } from 'vitest';
import { closestNames, editDistance } from '../../src/domain/closest-names.js';
import { suggestionReply } from '../../src/domain/suggestions.js';

const NAMES = ['web-prod', 'web-staging', 'docs_site', 'api-prod', 'web-prod-eu'];

describe('editDistance', () => {
  it.each([
    ['web-prod', 'web-prod', 0],
    ['web-prdo', 'web-prod', 2],
    ['WEB-PROD', 'web-prod', 0],
    ['', 'abc', 3],
    ['kitten', 'sitting', 3],
  ])('counts %s -> %s as %d edits', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
  });
});

describe('closestNames', () => {
  it.each([
    ['web-prdo', ['web-prod']],
    ['webprod', ['web-prod']],
    ['web-stage', ['web-staging']],
    ['prod', ['api-prod', 'web-prod', 'web-prod-eu']],
    ['docs-site', ['docs_site']],
    ['billing', []],
  ])('suggests for %s: %j', (typed, expected) => {
    expect(closestNames(typed, NAMES)).toEqual(expected);
  });

  it('never suggests the very name that was typed, and at most three', () => {
    expect(closestNames('web-prod', NAMES)).not.toContain('web-prod');
    expect(closestNames('web', NAMES).length).toBeLessThanOrEqual(3);
  });
});

describe('suggestionReply', () => {
  it('offers one button a name, each with a unique action id and the name as value', () => {
    const reply = suggestionReply('web-prdo', ['web-prod', 'web-prod-eu']);
    expect(reply.text).toContain('Did you mean `web-prod`, `web-prod-eu`?');
    const buttons = (reply.blocks[1]?.elements ?? []) as Array<{ action_id: string; value: string }>;
    expect(buttons.map((b) => b.value)).toEqual(['web-prod', 'web-prod-eu']);
    expect(new Set(buttons.map((b) => b.action_id)).size).toBe(2);
  });
});
