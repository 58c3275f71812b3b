import { describe, expect, it } from 'vitest';
import { StepWatchdog } from '../../../src/lifecycle/watchdog.js';
import { ManualClock } from '../../helpers/manual-clock.js';

function setup() {
  const clock = new ManualClock(0);
  const fired: number[] = [];
  const watchdog = new StepWatchdog(clock, (deadlineMs) => fired.push(deadlineMs));
  return { clock, fired, watchdog };
}

describe('StepWatchdog', () => {
  it('fires at the step deadline, not before', () => {
    const { clock, fired, watchdog } = setup();
    watchdog.setStep(0, 2);
    clock.advance(119_999);
    expect(fired).toEqual([]);
    clock.advance(1);
    expect(fired).toEqual([120_000]);
    expect(watchdog.fired).toBe(true);
  });

  it('counts the step from when the IN_PROGRESS was sent', () => {
    const { clock, fired, watchdog } = setup();
    clock.advance(5_000);
    watchdog.setStep(1_000, 1);
    clock.advance(55_999);
    expect(fired).toEqual([]);
    clock.advance(1);
    expect(fired).toEqual([61_000]);
  });

  it('moves the deadline when the step is extended', () => {
    const { clock, fired, watchdog } = setup();
    watchdog.setStep(0, 1);
    clock.advance(30_000);
    watchdog.setStep(30_000, 2);
    clock.advance(60_000);
    expect(fired).toEqual([]);
    clock.advance(60_000);
    expect(fired).toEqual([150_000]);
  });

  it('fires at the hard deadline even when the step runs longer', () => {
    const { clock, fired, watchdog } = setup();
    watchdog.setStep(0, 10);
    watchdog.setHard(90_000);
    clock.advance(90_000);
    expect(fired).toEqual([90_000]);
  });

  it('fires once', () => {
    const { clock, fired, watchdog } = setup();
    watchdog.setStep(0, 1);
    clock.advance(60_000);
    watchdog.setStep(60_000, 1);
    clock.advance(600_000);
    expect(fired).toHaveLength(1);
  });

  it('never fires once stopped, and leaves no timer behind', () => {
    const { clock, fired, watchdog } = setup();
    watchdog.setStep(0, 1);
    watchdog.stop();
    expect(clock.pending).toBe(0);
    clock.advance(600_000);
    expect(fired).toEqual([]);
  });

  it('does nothing without a timeout', () => {
    const { clock, watchdog } = setup();
    watchdog.setStep(0, undefined);
    expect(watchdog.deadlineMs).toBeUndefined();
    expect(clock.pending).toBe(0);
  });
});
