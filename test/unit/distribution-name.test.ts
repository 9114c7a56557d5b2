import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkDistributionName, MAX_DISTRIBUTION_NAME_LENGTH } from '../../src/domain/distribution-name.js';

const LIGHTSAIL_NAME_RULE = /^\w[\w-]*\w$/;

// Characters that make generated strings land near the rule's edges, so that some get accepted.
const nearlyValidChar = fc.constantFrom(
  'a',
  'Z',
  '7',
  '_',
  '-',
  ' ',
  '\t',
  '.',
  '/',
  'é',
  '<',
  '`',
  '\u200b',
);

describe('checkDistributionName', () => {
  it.each([
    ['web-prod', 'web-prod'],
    ['a_b', 'a_b'],
    ['ab', 'ab'],
    ['x1', 'x1'],
    ['_cdn_', '_cdn_'],
    ['Web-Prod-2', 'Web-Prod-2'],
    ['a--b', 'a--b'],
    ['a'.repeat(255), 'a'.repeat(255)],
    ['  web-prod  ', 'web-prod'],
  ])('accepts %j as the name %j', (text, name) => {
    expect(checkDistributionName(text)).toEqual({ ok: true, name });
  });

  it.each([
    ['', /no distribution name/i],
    ['   ', /no distribution name/i],
    ['\n\t', /no distribution name/i],
    ['a', /at least two characters/],
    ['-web', /start and end/],
    ['web-', /start and end/],
    ['-', /at least two characters/],
    ['../etc', /letters, digits/],
    ['a/b', /letters, digits/],
    ['a.b', /letters, digits/],
    ['a'.repeat(256), /256 characters long/],
    ['web prod', /without spaces/],
    ['web-prod staging', /without spaces/],
    ['wéb', /plain ASCII/],
    ['web🚀', /plain ASCII/],
    ['web\u200bprod', /plain ASCII/],
    ['ｗｅｂ', /plain ASCII/],
    ['a;rm -rf', /without spaces/],
    ['a;rm', /letters, digits/],
    ['$(x)', /letters, digits/],
    ['a|b', /letters, digits/],
    ['<!channel>', /letters, digits/],
    ['<@U123>', /letters, digits/],
    ['*bold*', /letters, digits/],
    ['`web`', /letters, digits/],
    ["'web'", /letters, digits/],
    ['"web"', /letters, digits/],
    ['web\nprod', /without spaces/],
    ['web\tprod', /without spaces/],
    ['web\u0000', /plain ASCII/],
  ])('refuses %j, saying what is wrong', (text, hint) => {
    const check = checkDistributionName(text);
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect(check.problem.trim()).not.toBe('');
    expect(check.problem).toMatch(hint);
  });

  it.each(['<!channel>', '<@U123>', '<https://evil|click>', 'a<b', 'x>y', `<${'a'.repeat(300)}>`])(
    'never echoes the markup of %j in its problem',
    (text) => {
      const check = checkDistributionName(text);
      expect(check.ok).toBe(false);
      if (check.ok) return;
      expect(check.problem).not.toContain('<');
      expect(check.problem).not.toContain('>');
    },
  );

  it('accepts exactly the names that follow the Lightsail rule and are short enough', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: nearlyValidChar, maxLength: 300 }), fc.string()), (text) => {
        const check = checkDistributionName(text);
        const trimmed = text.trim();
        const follows = LIGHTSAIL_NAME_RULE.test(trimmed) && trimmed.length <= MAX_DISTRIBUTION_NAME_LENGTH;
        expect(check.ok).toBe(follows);
        if (check.ok) {
          expect(check.name).toBe(trimmed);
          expect(check.name).toMatch(LIGHTSAIL_NAME_RULE);
          expect(check.name.length).toBeLessThanOrEqual(MAX_DISTRIBUTION_NAME_LENGTH);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('accepts every name generated from the Lightsail rule up to 255 characters', () => {
    const ruleName = fc
      .stringMatching(LIGHTSAIL_NAME_RULE)
      .filter((name) => name.length <= MAX_DISTRIBUTION_NAME_LENGTH);
    fc.assert(
      fc.property(ruleName, (name) => {
        expect(checkDistributionName(name)).toEqual({ ok: true, name });
      }),
    );
  });

  it.each([
    ['grapheme', fc.string({ unit: 'grapheme', maxLength: 300 })],
    ['binary (lone surrogates included)', fc.string({ unit: 'binary', maxLength: 300 })],
    ['ascii', fc.string({ unit: 'binary-ascii', maxLength: 300 })],
  ])('never throws on arbitrary %s text and returns a name or a problem, never both', (_unit, text) => {
    fc.assert(
      fc.property(text, (input) => {
        const check = checkDistributionName(input);
        const hasName = 'name' in check;
        const hasProblem = 'problem' in check;
        expect(hasName !== hasProblem).toBe(true);
        expect(check.ok).toBe(hasName);
        if (!check.ok) {
          expect(check.problem.length).toBeGreaterThan(0);
          expect(check.problem).not.toMatch(/[<>]/);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
