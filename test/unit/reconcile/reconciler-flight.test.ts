import { describe, expect, it } from 'vitest';

import { ClosedError } from '../../../src/errors.js';
import { createHarness, report } from './reconciler-fixture.js';

describe('Reconciler single flight', () => {
  it('shares one in-flight run between runNow callers', async () => {
    const h = createHarness();
    const first = h.reconciler.runNow();
    const second = h.reconciler.runNow();
    await h.clock.advanceAsync(0);
    expect(h.calls).toHaveLength(1);
    h.calls[0]!.resolve(report(7));
    await expect(Promise.all([first, second])).resolves.toEqual([report(7), report(7)]);
    expect(h.calls).toHaveLength(1);
    expect(h.reports).toEqual([report(7)]);
  });

  it('lets a slow scheduled run absorb a runNow instead of starting a second one', async () => {
    const h = createHarness();
    h.reconciler.start();
    await h.clock.advanceAsync(0);
    const joined = h.reconciler.runNow();
    await h.clock.advanceAsync(10_000);
    expect(h.calls).toHaveLength(1);
    h.calls[0]!.resolve(report(2));
    await expect(joined).resolves.toEqual(report(2));
    expect(h.calls).toHaveLength(1);
  });

  it('never fires the interval timer while an on-demand run is still in flight', async () => {
    const h = createHarness();
    h.reconciler.start();
    await h.clock.advanceAsync(0);
    h.calls[0]!.resolve(report(1));
    await h.clock.advanceAsync(1_000);
    void h.reconciler.runNow();
    await h.clock.advanceAsync(300_000);
    expect(h.calls).toHaveLength(2);
    expect(h.clock.pending).toBe(0);
  });

  it('queues exactly one follow-up for fresh requests made during a run', async () => {
    const h = createHarness();
    const stale = h.reconciler.runNow();
    await h.clock.advanceAsync(0);
    const fresh = [h.reconciler.runNow({ fresh: true }), h.reconciler.runNow({ fresh: true })];
    await h.clock.advanceAsync(0);
    expect(h.calls).toHaveLength(1);

    h.calls[0]!.resolve(report(1));
    await h.clock.advanceAsync(0);
    expect(h.calls).toHaveLength(2);
    h.calls[1]!.resolve(report(2));

    await expect(stale).resolves.toEqual(report(1));
    await expect(Promise.all(fresh)).resolves.toEqual([report(2), report(2)]);
    await h.clock.advanceAsync(0);
    expect(h.calls).toHaveLength(2);
  });

  it('starts a fresh run at once when nothing is in flight', async () => {
    const h = createHarness({ autoRun: () => report(4) });
    await expect(h.reconciler.runNow({ fresh: true })).resolves.toEqual(report(4));
    expect(h.calls).toHaveLength(1);
  });

  it('runs the queued follow-up at once even when the in-flight run failed', async () => {
    const h = createHarness();
    h.reconciler.start();
    await h.clock.advanceAsync(0);
    const fresh = h.reconciler.runNow({ fresh: true });
    h.calls[0]!.reject(new Error('network gone'));
    await h.clock.advanceAsync(0);
    expect(h.errors.map((e) => e.nextAttemptInMs)).toEqual([0]);
    expect(h.calls.map((c) => c.startedAtMs)).toEqual([0, 0]);
    h.calls[1]!.resolve(report(5));
    await expect(fresh).resolves.toEqual(report(5));
  });

  it('arms a single timer when start is called while an on-demand run is in flight', async () => {
    const h = createHarness();
    const pending = h.reconciler.runNow();
    h.reconciler.start();
    await h.clock.advanceAsync(0);
    expect(h.calls).toHaveLength(1);
    h.calls[0]!.resolve(report(1));
    await pending;
    expect(h.clock.pendingDelays()).toEqual([60_000]);
  });
});

describe('Reconciler stop', () => {
  it('aborts the in-flight run through its signal', async () => {
    const h = createHarness();
    h.reconciler.start();
    await h.clock.advanceAsync(0);
    const stopped = h.reconciler.stop();
    expect(h.calls[0]!.signal.aborted).toBe(true);
    h.calls[0]!.reject(h.calls[0]!.signal.reason);
    await stopped;
    expect(h.errors).toEqual([]);
  });

  it('rejects the callers waiting on the in-flight and queued runs with ClosedError', async () => {
    const h = createHarness();
    const current = h.reconciler.runNow();
    await h.clock.advanceAsync(0);
    const queued = h.reconciler.runNow({ fresh: true });
    void h.reconciler.stop();
    await expect(current).rejects.toBeInstanceOf(ClosedError);
    await expect(queued).rejects.toBeInstanceOf(ClosedError);
  });

  it('waits for the aborted run to settle before stop resolves', async () => {
    const h = createHarness();
    void h.reconciler.runNow().catch(() => undefined);
    await h.clock.advanceAsync(0);
    let stopResolved = false;
    void h.reconciler.stop().then(() => {
      stopResolved = true;
    });
    await h.clock.advanceAsync(0);
    expect(stopResolved).toBe(false);
    h.calls[0]!.resolve(report(1));
    await h.clock.advanceAsync(0);
    expect(stopResolved).toBe(true);
  });

  it('delivers no report from a run that finishes after stop', async () => {
    const h = createHarness();
    void h.reconciler.runNow().catch(() => undefined);
    await h.clock.advanceAsync(0);
    const stopped = h.reconciler.stop();
    h.calls[0]!.resolve(report(1));
    await stopped;
    expect(h.reports).toEqual([]);
  });

  it('runs nothing after stop and leaves no timer behind', async () => {
    const h = createHarness({ autoRun: () => report(1) });
    h.reconciler.start();
    await h.clock.advanceAsync(0);
    await h.reconciler.stop();
    expect(h.clock.pending).toBe(0);
    await h.clock.advanceAsync(600_000);
    expect(h.calls).toHaveLength(1);
  });

  it('cancels a first run that has not started yet', async () => {
    const h = createHarness({ initialDelay: { maxMs: 10_000 } });
    h.reconciler.start();
    await h.reconciler.stop();
    await h.clock.advanceAsync(10_000);
    expect(h.calls).toHaveLength(0);
  });

  it('rejects runNow after stop with ClosedError', async () => {
    const h = createHarness({ autoRun: () => report(1) });
    await h.reconciler.stop();
    await expect(h.reconciler.runNow()).rejects.toBeInstanceOf(ClosedError);
    expect(h.calls).toHaveLength(0);
  });

  it('refuses to start after stop', async () => {
    const h = createHarness();
    await h.reconciler.stop();
    expect(() => {
      h.reconciler.start();
    }).toThrow(ClosedError);
  });
});
