import { describe, expect, it } from 'vitest';

import { createHarness, report } from './reconciler-fixture.js';

/** A started reconciler whose first run has succeeded: the next run is one interval (60 s) away. */
async function settledHarness(random: () => number) {
  let draws = 0;
  // The first draw sizes the interval (0.5: exactly 60 s); later ones are the test's.
  const h = createHarness({ random: () => (draws++ === 0 ? 0.5 : random()), autoRun: () => report(1) });
  h.reconciler.start();
  await h.clock.advanceAsync(0);
  expect(h.calls).toHaveLength(1);
  expect(h.clock.pendingDelays()).toEqual([60_000]);
  return h;
}

describe('Reconciler runWithin', () => {
  it('moves the scheduled run to a random point of the window', async () => {
    const h = await settledHarness(() => 0.25);
    h.reconciler.runWithin(20_000);
    expect(h.clock.pendingDelays()).toEqual([5_000]);
    await h.clock.advanceAsync(5_000);
    expect(h.calls.map((c) => c.startedAtMs)).toEqual([0, 5_000]);
  });

  it('replaces the scheduled run instead of adding one', async () => {
    const h = await settledHarness(() => 0.25);
    h.reconciler.runWithin(20_000);
    await h.clock.advanceAsync(60_000);
    // The window's run at 5 s, then one interval (57 s at random 0.25) after it; nothing at the old 60 s.
    expect(h.calls.map((c) => c.startedAtMs)).toEqual([0, 5_000]);
    await h.clock.advanceAsync(2_000);
    expect(h.calls.map((c) => c.startedAtMs)).toEqual([0, 5_000, 62_000]);
  });

  it('moves a scheduled run that came sooner to the drawn point too, so a fleet lists at an even rate', async () => {
    const h = await settledHarness(() => 0.9);
    await h.clock.advanceAsync(50_000);
    h.reconciler.runWithin(20_000); // draws 18 s; the scheduled run was 10 s away
    expect(h.clock.pendingDelays()).toEqual([18_000]);
    await h.clock.advanceAsync(18_000);
    expect(h.calls.map((c) => c.startedAtMs)).toEqual([0, 68_000]);
  });

  it('after a run in flight, starts the next at the drawn point rather than straight after it', async () => {
    const h = createHarness({ random: () => 0.25 });
    h.reconciler.start();
    await h.clock.advanceAsync(0);
    expect(h.calls).toHaveLength(1);
    h.reconciler.runWithin(20_000); // drawn: 5 s from now
    await h.clock.advanceAsync(1_000);
    h.calls[0]?.resolve(report(1));
    await h.clock.advanceAsync(0);
    expect(h.calls).toHaveLength(1);
    expect(h.clock.pendingDelays()).toEqual([4_000]);
    await h.clock.advanceAsync(4_000);
    expect(h.calls.map((c) => c.startedAtMs)).toEqual([0, 5_000]);
  });

  it('after a run in flight that outlasts the window, starts the next at once', async () => {
    const h = createHarness({ random: () => 0.25 });
    h.reconciler.start();
    await h.clock.advanceAsync(0);
    h.reconciler.runWithin(20_000);
    await h.clock.advanceAsync(9_000);
    h.calls[0]?.reject(new Error('slow and failed'));
    await h.clock.advanceAsync(0);
    expect(h.calls.map((c) => c.startedAtMs)).toEqual([0, 9_000]);
  });

  it('after a run in flight, takes the drawn point over the cadence even when the cadence comes sooner', async () => {
    const h = createHarness({ random: () => 0.99, intervalMs: 10_000 });
    h.reconciler.start();
    await h.clock.advanceAsync(0);
    h.reconciler.runWithin(60_000); // drawn: 59.4 s from now; the cadence would say 10.98 s
    h.calls[0]?.resolve(report(1));
    await h.clock.advanceAsync(0);
    expect(h.clock.pendingDelays()).toEqual([59_400]);
  });

  it('runs at once for an empty window', async () => {
    const h = await settledHarness(() => 0.5);
    h.reconciler.runWithin(0);
    await h.clock.advanceAsync(0);
    expect(h.calls.map((c) => c.startedAtMs)).toEqual([0, 0]);
  });

  it('does nothing once stopped', async () => {
    const h = await settledHarness(() => 0.5);
    await h.reconciler.stop();
    h.reconciler.runWithin(20_000);
    expect(h.clock.pendingDelays()).toEqual([]);
  });
});
