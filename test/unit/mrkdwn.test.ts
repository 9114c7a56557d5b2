import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { code, escapeText, mention, slackDate } from '../../src/domain/mrkdwn.js';

function unescapeSlack(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

describe('escapeText', () => {
  it.each([
    ['<!channel>', '&lt;!channel&gt;'],
    ['<@U123>', '&lt;@U123&gt;'],
    ['<https://evil|click>', '&lt;https://evil|click&gt;'],
    ['a & b', 'a &amp; b'],
    ['&lt;', '&amp;lt;'],
    ['plain *bold* _it_', 'plain *bold* _it_'],
    ['', ''],
  ])('escapes %j as %j', (text, escaped) => {
    expect(escapeText(text)).toBe(escaped);
  });

  it('leaves no angle bracket and loses nothing', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (text) => {
        const escaped = escapeText(text);
        expect(escaped).not.toMatch(/[<>]/);
        expect(unescapeSlack(escaped)).toBe(text);
      }),
    );
  });
});

describe('code', () => {
  it.each([
    ['web-prod', '`web-prod`'],
    ['a`b', "`a'b`"],
    ['``', "`''`"],
    ['<!here>', '`&lt;!here&gt;`'],
  ])('renders %j as %j', (text, rendered) => {
    expect(code(text)).toBe(rendered);
  });

  it('cannot be closed early by a backtick in the text', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('`', 'a', '<', '>', '&', ' ', '*') }), (text) => {
        const rendered = code(text);
        expect(rendered.startsWith('`')).toBe(true);
        expect(rendered.endsWith('`')).toBe(true);
        expect(rendered.slice(1, -1)).not.toContain('`');
        expect(rendered).not.toMatch(/[<>]/);
      }),
    );
  });
});

describe('mention', () => {
  it('mentions a user by id', () => {
    expect(mention('U123ABC')).toBe('<@U123ABC>');
  });
});

describe('slackDate', () => {
  it.each([
    [
      Date.UTC(2025, 0, 15, 9, 30, 45, 999),
      '<!date^1736933445^{date_short_pretty} at {time}|2025-01-15 09:30 UTC>',
    ],
    [0, '<!date^0^{date_short_pretty} at {time}|1970-01-01 00:00 UTC>'],
  ])('renders %d as %j', (epochMs, rendered) => {
    expect(slackDate(epochMs)).toBe(rendered);
  });

  it('uses whole seconds and a fallback that names the same UTC minute', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4_102_444_800_000 }), (epochMs) => {
        const match = /^<!date\^(\d+)\^[^|<>]+\|(\d{4}-\d{2}-\d{2} \d{2}:\d{2}) UTC>$/.exec(
          slackDate(epochMs),
        );
        expect(match).not.toBeNull();
        const [, seconds, fallback] = match ?? [];
        expect(Number(seconds)).toBe(Math.floor(epochMs / 1000));
        expect(fallback).toBe(new Date(epochMs).toISOString().slice(0, 16).replace('T', ' '));
      }),
    );
  });
});
