import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nextPollDelay, retryDelay } from '../../src/domain/poll-schedule.js';

const FIRST = 2_000;
const MAX = 30_000;

describe('nextPollDelay', () => {
  it.each([
    [0, 2_000],
    [2_000, 4_000],
    [6_000, 8_000],
    [14_000, 16_000],
    [27_999, 29_999],
    [28_000, 30_000],
    [600_000, 30_000],
    [-1, 2_000],
    [-1_000_000, 2_000],
    [Number.MAX_SAFE_INTEGER, 30_000],
    [Number.POSITIVE_INFINITY, 30_000],
    [Number.NEGATIVE_INFINITY, 2_000],
    [Number.NaN, 2_000],
  ])('after the operation ran %d ms waits %d ms', (ranMs, delay) => {
    expect(nextPollDelay(ranMs, FIRST, MAX)).toBe(delay);
  });

  it('lands polls at 1, 3, 7, 15 first intervals after the reset: each gap doubles, up to the largest', () => {
    const pollTimes: number[] = [];
    let at = 0;
    for (let i = 0; i < 8; i++) {
      at += nextPollDelay(at, FIRST, MAX);
      pollTimes.push(at);
    }
    expect(pollTimes).toEqual([2_000, 6_000, 14_000, 30_000, 60_000, 90_000, 120_000, 150_000]);
  });

  it('never goes above the largest delay nor below the first, and never shrinks as the operation runs on', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -100_000, max: 10_000_000 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.integer({ min: 1, max: 60_000 }),
        fc.integer({ min: 1, max: 600_000 }),
        (ranMs, later, first, max) => {
          const delay = nextPollDelay(ranMs, first, max);
          expect(delay).toBeLessThanOrEqual(max);
          expect(delay).toBeGreaterThanOrEqual(Math.min(first, max));
          expect(nextPollDelay(ranMs + later, first, max)).toBeGreaterThanOrEqual(delay);
        },
      ),
    );
  });
});

describe('retryDelay', () => {
  const BASE = 1_000;
  const CAP = 60_000;

  it.each([
    { attempt: 1, random: 0, delay: 500 },
    { attempt: 1, random: 0.5, delay: 750 },
    { attempt: 1, random: 0.999_999, delay: 1_000 },
    { attempt: 3, random: 0, delay: 2_000 },
    { attempt: 3, random: 0.999_999, delay: 4_000 },
    { attempt: 7, random: 0, delay: 30_000 },
    { attempt: 40, random: 0, delay: 30_000 },
    { attempt: 40, random: 0.999_999, delay: 60_000 },
    { attempt: 0, random: 0, delay: 500 },
    { attempt: -3, random: 0.999_999, delay: 1_000 },
  ])('waits $delay ms on attempt $attempt when the random draw is $random', ({ attempt, random, delay }) => {
    expect(retryDelay(attempt, BASE, CAP, () => random)).toBe(delay);
  });

  it('stays within half the ceiling and the ceiling, and the ceiling within the cap', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -10, max: 1_000 }),
        fc.integer({ min: 1, max: 100_000 }),
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempt, base, max, r) => {
          const ceiling = Math.min(max, base * 2 ** Math.max(attempt - 1, 0));
          const delay = retryDelay(attempt, base, max, () => r);
          expect(delay).toBeGreaterThanOrEqual(Math.floor(ceiling / 2));
          expect(delay).toBeLessThanOrEqual(ceiling);
          expect(delay).toBeLessThanOrEqual(max);
        },
      ),
    );
  });

  it('uses Math.random when no random function is given and stays in range', () => {
    for (let i = 0; i < 1_000; i += 1) {
      const delay = retryDelay(2, BASE, CAP);
      expect(delay).toBeGreaterThanOrEqual(1_000);
      expect(delay).toBeLessThanOrEqual(2_000);
    }
  });
});
