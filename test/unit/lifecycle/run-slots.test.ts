import { describe, expect, it } from 'vitest';

import { RunSlots, type SlotRun } from '../../../src/lifecycle/run-slots.js';

const run = (jobId: string, operation = 'op'): SlotRun => ({ jobId, operation });

describe('RunSlots', () => {
  it('counts job ids being prepared and runs alike as busy', () => {
    const slots = new RunSlots<SlotRun>();
    slots.prepare('a');
    slots.start(run('b'));
    expect(slots.busy()).toBe(2);
    expect(slots.runs()).toEqual([run('b')]);
  });

  it('stops counting a released run as busy', () => {
    const slots = new RunSlots<SlotRun>();
    const stuck = run('a');
    slots.start(stuck);
    expect(slots.release(stuck)).toBe(true);
    expect(slots.busy()).toBe(0);
    expect(slots.runOf('a')).toBe(stuck);
  });

  it('does not release a run that no longer holds its job id', () => {
    const slots = new RunSlots<SlotRun>();
    const old = run('a');
    slots.start(old);
    slots.start(run('a'));
    expect(slots.release(old)).toBe(false);
    expect(slots.busy()).toBe(1);
  });

  it('leaves a newer run of the same job id in place when an older one finishes', () => {
    const slots = new RunSlots<SlotRun>();
    const old = run('a');
    const newer = run('a');
    slots.start(old);
    slots.start(newer);
    slots.finish(old);
    expect(slots.runOf('a')).toBe(newer);
  });

  it("counts running handlers and other job ids' reservations against a handler's concurrency", () => {
    const slots = new RunSlots<SlotRun>();
    slots.start(run('a'));
    expect(slots.tryReserve('op', 2, 'b')).toBe(true);
    expect(slots.tryReserve('op', 2, 'c')).toBe(false);
    expect(slots.tryReserve('other', 1, 'c')).toBe(true);
  });

  it("does not count a job id's own reservation against it", () => {
    const slots = new RunSlots<SlotRun>();
    expect(slots.tryReserve('op', 1, 'a')).toBe(true);
    expect(slots.tryReserve('op', 1, 'a')).toBe(true);
  });

  it('frees a handler slot once its reservation ends', () => {
    const slots = new RunSlots<SlotRun>();
    slots.tryReserve('op', 1, 'a');
    slots.unreserve('a');
    expect(slots.tryReserve('op', 1)).toBe(true);
  });

  it('frees the handler slot of a released run', () => {
    const slots = new RunSlots<SlotRun>();
    const stuck = run('a');
    slots.start(stuck);
    slots.release(stuck);
    expect(slots.tryReserve('op', 1, 'b')).toBe(true);
  });
});
