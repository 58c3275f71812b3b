import { describe, expect, it } from 'vitest';
import {
  computeBackoff,
  DEFAULT_RECONNECT_BACKOFF,
  type BackoffPolicy,
} from '../../../src/transport/backoff.js';

const policy: BackoffPolicy = { initialDelayMs: 100, maxDelayMs: 1_000, factor: 2 };
const almostOne = 1 - Number.EPSILON;

describe('computeBackoff', () => {
  it.each([
    // attempt, random, expected
    [1, almostOne, 99],
    [2, almostOne, 199],
    [3, almostOne, 399],
    [4, almostOne, 799],
    [5, almostOne, 999],
    [50, almostOne, 999],
    [1, 0.5, 50],
    [3, 0.5, 200],
    [5, 0.5, 500],
    [4, 0.25, 200],
    [1, 0, 0],
    [10, 0, 0],
  ])('returns a full-jitter delay for attempt %i with random %d: %i ms', (attempt, random, expected) => {
    expect(computeBackoff(attempt, policy, () => random)).toBe(expected);
  });

  it('caps the bound at maxDelayMs for very large attempts without overflowing', () => {
    expect(computeBackoff(10_000, policy, () => 0.5)).toBe(500);
  });

  it('treats attempts below 1 as the first attempt', () => {
    expect(computeBackoff(0, policy, () => 0.5)).toBe(50);
    expect(computeBackoff(-3, policy, () => 0.5)).toBe(50);
  });

  it('clamps random values outside [0, 1]', () => {
    expect(computeBackoff(1, policy, () => 7)).toBe(100);
    expect(computeBackoff(1, policy, () => -1)).toBe(0);
  });

  it('honours a factor other than 2', () => {
    expect(computeBackoff(3, { initialDelayMs: 10, maxDelayMs: 10_000, factor: 3 }, () => 0.5)).toBe(45);
  });

  it('stays within [0, bound) for every random value in [0, 1)', () => {
    for (let attempt = 1; attempt <= 12; attempt++) {
      const bound = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** (attempt - 1));
      for (const r of [0, 0.1, 0.33, 0.5, 0.9, almostOne]) {
        const delay = computeBackoff(attempt, policy, () => r);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThan(bound);
        expect(Number.isInteger(delay)).toBe(true);
      }
    }
  });
});

describe('DEFAULT_RECONNECT_BACKOFF', () => {
  it('starts at 1 s, doubles and caps at 60 s', () => {
    expect(DEFAULT_RECONNECT_BACKOFF).toEqual({ initialDelayMs: 1_000, maxDelayMs: 60_000, factor: 2 });
    expect(computeBackoff(1, DEFAULT_RECONNECT_BACKOFF, () => almostOne)).toBe(999);
    expect(computeBackoff(7, DEFAULT_RECONNECT_BACKOFF, () => almostOne)).toBe(59_999);
  });
});
