import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../src/domain/duration.js';

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['30s', 30_000],
    ['15m', 900_000],
    ['1h', 3_600_000],
    ['2d', 172_800_000],
    ['0s', 0],
    ['90m', 5_400_000],
    [' 30s ', 30_000],
  ])('reads %j as %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '10', '1.5h', '-1m', '1 h', 'abc', 'h', '30S', '1w', '1h30m', '٣s', '99999999999999999999d'])(
    'refuses %j',
    (text) => {
      expect(parseDuration(text)).toBeUndefined();
    },
  );

  it.each([
    ['ms', 1],
    ['s', 1_000],
    ['m', 60_000],
    ['h', 3_600_000],
    ['d', 86_400_000],
  ])('multiplies any whole number of %s by %d', (unit, factor) => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), (n) => {
        expect(parseDuration(`${n}${unit}`)).toBe(n * factor);
      }),
    );
  });

  it('never throws on arbitrary text and returns a safe integer or undefined', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (text) => {
        const ms = parseDuration(text);
        if (ms !== undefined) expect(Number.isSafeInteger(ms)).toBe(true);
      }),
    );
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [400, '0s'],
    [45_000, '45s'],
    [59_499, '59s'],
    [59_500, '1m'],
    [60_000, '1m'],
    [125_000, '2m 5s'],
    [3_600_000, '1h'],
    [3_630_000, '1h'],
    [3_780_000, '1h 3m'],
    [172_800_000, '48h'],
    [-5_000, '0s'],
  ])('renders %d ms as %j', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('always renders seconds, minutes and seconds, or hours and minutes', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1_000_000, max: 1_000_000_000 }), (ms) => {
        expect(formatDuration(ms)).toMatch(/^(\d{1,2}s|\d{1,2}m( \d{1,2}s)?|\d+h( \d{1,2}m)?)$/);
      }),
    );
  });

  it('reads back under a minute exactly through parseDuration', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 59 }), (seconds) => {
        expect(parseDuration(formatDuration(seconds * 1000))).toBe(seconds * 1000);
      }),
    );
  });
});
