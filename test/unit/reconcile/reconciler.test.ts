import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { ConfigError } from '../../../src/errors.js';
import { Reconciler, type ReconcilerOptions } from '../../../src/reconcile/reconciler.js';
import { ManualClock } from '../../helpers/manual-clock.js';
import { createHarness, report } from './reconciler-fixture.js';

describe('Reconciler schedule', () => {
  it('runs at once after start with an immediate initial delay and delivers the report', async () => {
    const h = createHarness({ autoRun: () => report(3) });
    h.reconciler.start();
    expect(h.calls).toHaveLength(0);
    await h.clock.advanceAsync(0);
    expect(h.calls).toHaveLength(1);
    expect(h.reports).toEqual([report(3)]);
  });

  it.each([
    [0, 0],
    [0.25, 2_500],
    [0.5, 5_000],
    [0.9999, 9_999],
  ])('draws the first delay uniformly below maxMs (random %d → %d ms)', async (r, expectedMs) => {
    const h = createHarness({ random: () => r, initialDelay: { maxMs: 10_000 }, autoRun: () => report(1) });
    h.reconciler.start();
    expect(h.clock.pendingDelays()).toEqual([expectedMs]);
    if (expectedMs > 0) {
      await h.clock.advanceAsync(expectedMs - 1);
      expect(h.calls).toHaveLength(0);
    }
    await h.clock.advanceAsync(1);
    expect(h.calls.map((c) => c.startedAtMs)).toEqual([expectedMs]);
  });

  it.each([
    [0, 54_000],
    [0.5, 60_000],
    [0.75, 63_000],
  ])('randomizes each interval within ±jitterRatio (random %d → %d ms)', async (r, expectedMs) => {
    const h = createHarness({ random: () => r, autoRun: () => report(1) });
    h.reconciler.start();
    await h.clock.advanceAsync(0);
    expect(h.clock.pendingDelays()).toEqual([expectedMs]);
  });

  it('keeps every interval within [interval × (1 − ratio), interval × (1 + ratio)]', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        async (r, ratio) => {
          const h = createHarness({ random: () => r, jitterRatio: ratio, autoRun: () => report(1) });
          h.reconciler.start();
          await h.clock.advanceAsync(0);
          const [delayMs] = h.clock.pendingDelays();
          expect(delayMs).toBeGreaterThanOrEqual(Math.max(1, Math.floor(60_000 * (1 - ratio))));
          expect(delayMs).toBeLessThanOrEqual(Math.ceil(60_000 * (1 + ratio)));
        },
      ),
      { numRuns: 50 },
    );
  });

  it('never schedules an interval below 1 ms, even with a jitter ratio of 1', async () => {
    const h = createHarness({ random: () => 0, jitterRatio: 1, autoRun: () => report(1) });
    h.reconciler.start();
    await h.clock.advanceAsync(0);
    expect(h.clock.pendingDelays()).toEqual([1]);
  });

  it('runs again after every interval, measured from the end of the previous run', async () => {
    const h = createHarness();
    h.reconciler.start();
    await h.clock.advanceAsync(0);
    await h.clock.advanceAsync(500);
    h.calls[0]!.resolve(report(1));
    await h.clock.advanceAsync(60_000);
    h.calls[1]!.resolve(report(2));
    await h.clock.advanceAsync(60_000);
    expect(h.calls.map((c) => c.startedAtMs)).toEqual([0, 60_500, 120_500]);
    expect(h.reports).toEqual([report(1), report(2)]);
  });

  it('restarts the interval after an on-demand run instead of running on the old schedule', async () => {
    const h = createHarness({ autoRun: (i) => report(i) });
    h.reconciler.start();
    await h.clock.advanceAsync(30_000);
    await h.reconciler.runNow();
    await h.clock.advanceAsync(59_999);
    expect(h.calls.map((c) => c.startedAtMs)).toEqual([0, 30_000]);
    await h.clock.advanceAsync(1);
    expect(h.calls.map((c) => c.startedAtMs)).toEqual([0, 30_000, 90_000]);
  });

  it('arms no timer for an on-demand run when the loop was never started', async () => {
    const h = createHarness({ autoRun: () => report(1) });
    await expect(h.reconciler.runNow()).resolves.toEqual(report(1));
    expect(h.clock.pending).toBe(0);
  });
});

describe('Reconciler failure backoff', () => {
  it('retries after capped exponential delays with full jitter', async () => {
    const failure = new Error('listing failed');
    const h = createHarness({ autoRun: () => failure });
    h.reconciler.start();
    await h.clock.advanceAsync(12_000);
    // random 0.5 of the bounds 1 s, 2 s, 4 s, 8 s, then capped at 8 s
    expect(h.errors.map((e) => e.nextAttemptInMs)).toEqual([500, 1_000, 2_000, 4_000, 4_000, 4_000]);
    expect(h.calls.map((c) => c.startedAtMs)).toEqual([0, 500, 1_500, 3_500, 7_500, 11_500]);
    expect(h.errors.every((e) => e.error === failure)).toBe(true);
  });

  it('draws each failure delay from [0, bound) with the injected random', async () => {
    const randoms = [0, 0.99, 0.1];
    let i = 0;
    const h = createHarness({ random: () => randoms[i++ % randoms.length]!, autoRun: () => new Error('x') });
    h.reconciler.start();
    await h.clock.advanceAsync(0);
    await h.clock.advanceAsync(0);
    await h.clock.advanceAsync(1_980);
    expect(h.errors.map((e) => e.nextAttemptInMs)).toEqual([0, 1_980, 400]);
  });

  it('resumes the normal interval after a success', async () => {
    const h = createHarness({ autoRun: (i) => (i < 2 ? new Error('down') : report(i)) });
    h.reconciler.start();
    await h.clock.advanceAsync(1_500);
    expect(h.reports).toEqual([report(2)]);
    expect(h.clock.pendingDelays()).toEqual([60_000]);
  });

  it('starts the backoff from its first delay again after a success', async () => {
    const h = createHarness({ autoRun: (i) => (i === 2 ? report(i) : new Error('down')) });
    h.reconciler.start();
    await h.clock.advanceAsync(1_500);
    await h.clock.advanceAsync(60_000);
    expect(h.errors.map((e) => e.nextAttemptInMs)).toEqual([500, 1_000, 500]);
  });

  it('reports a scheduled failure as not awaited', async () => {
    const h = createHarness({ autoRun: () => new Error('down') });
    h.reconciler.start();
    await h.clock.advanceAsync(0);
    expect(h.errors[0]?.info).toEqual({ awaited: false });
  });

  it('rejects runNow with the run error and reports it as awaited', async () => {
    const failure = new Error('page 2 failed');
    const h = createHarness({ autoRun: () => failure });
    h.reconciler.start();
    await expect(h.reconciler.runNow()).rejects.toBe(failure);
    expect(h.errors).toEqual([{ error: failure, nextAttemptInMs: 500, info: { awaited: true }, atMs: 0 }]);
  });

  it('passes no next attempt for a failed on-demand run when the loop was never started', async () => {
    const h = createHarness({ autoRun: () => new Error('down') });
    await expect(h.reconciler.runNow()).rejects.toThrow('down');
    expect(h.errors[0]?.nextAttemptInMs).toBeUndefined();
    expect(h.clock.pending).toBe(0);
  });

  it('keeps its schedule when onReport throws', async () => {
    const h = createHarness({
      autoRun: (i) => report(i),
      onReport: () => {
        throw new Error('listener bug');
      },
    });
    h.reconciler.start();
    await h.clock.advanceAsync(120_000);
    expect(h.calls.map((c) => c.startedAtMs)).toEqual([0, 60_000, 120_000]);
  });
});

describe('Reconciler options', () => {
  const valid: ReconcilerOptions = {
    clock: new ManualClock(0),
    random: () => 0.5,
    intervalMs: 1_000,
    jitterRatio: 0.1,
    initialDelay: 'immediate',
    failureBackoff: { initialDelayMs: 100, maxDelayMs: 1_000, factor: 2 },
    run: () => Promise.resolve(report(0)),
    onReport: () => undefined,
    onError: () => undefined,
  };

  it.each<[string, Partial<ReconcilerOptions>]>([
    ['intervalMs', { intervalMs: 0 }],
    ['jitterRatio', { jitterRatio: 1.5 }],
    ['jitterRatio', { jitterRatio: -0.1 }],
    ['jitterRatio', { jitterRatio: Number.NaN }],
    ['initialDelay.maxMs', { initialDelay: { maxMs: -1 } }],
    ['failureBackoff.initialDelayMs', { failureBackoff: { initialDelayMs: 0, maxDelayMs: 1, factor: 2 } }],
    ['failureBackoff.factor', { failureBackoff: { initialDelayMs: 1, maxDelayMs: 1, factor: 0.5 } }],
  ])('rejects an invalid %s', (field, override) => {
    const construct = (): Reconciler => new Reconciler({ ...valid, ...override });
    expect(construct).toThrow(ConfigError);
    expect(construct).toThrow(field);
  });
});
