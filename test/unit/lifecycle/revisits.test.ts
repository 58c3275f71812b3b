import { describe, expect, it } from 'vitest';

import { skipKey } from '../../../src/lifecycle/candidates.js';
import { RETRY_AFTER_FAILURE_MS, Revisits, reportableFailure } from '../../../src/lifecycle/revisits.js';
import { ClosedError, TimeoutError, TransportError } from '../../../src/errors.js';
import { ManualClock } from '../../helpers/manual-clock.js';

describe('Revisits', () => {
  it('remembers a skipped execution by job id and execution number', () => {
    const revisits = new Revisits(new ManualClock(), () => undefined);
    revisits.skip('a', 2);
    expect([...revisits.skipped]).toEqual([skipKey('a', 2)]);
  });

  it('forgets every skip when handlers change', () => {
    const revisits = new Revisits(new ManualClock(), () => undefined);
    revisits.skip('a', 1);
    revisits.skip('b', undefined);
    revisits.forgetSkips();
    expect(revisits.skipped.size).toBe(0);
  });

  it('holds a failed job id back until the retry wait ends', () => {
    const clock = new ManualClock();
    const revisits = new Revisits(clock, () => undefined);
    revisits.retryLater('a');
    expect(revisits.notBefore.get('a')).toBe(clock.now() + RETRY_AFTER_FAILURE_MS);
  });

  it('wakes the scheduler once when the retry wait ends', () => {
    const clock = new ManualClock();
    let wakes = 0;
    const revisits = new Revisits(clock, () => {
      wakes += 1;
    });
    revisits.retryLater('a');
    clock.advance(RETRY_AFTER_FAILURE_MS - 1);
    expect(wakes).toBe(0);
    clock.advance(1);
    expect(wakes).toBe(1);
  });

  it('keeps one wake-up timer, for the latest failure', () => {
    const clock = new ManualClock();
    let wakes = 0;
    const revisits = new Revisits(clock, () => {
      wakes += 1;
    });
    revisits.retryLater('a');
    clock.advance(1_000);
    revisits.retryLater('b');
    expect(clock.pendingDelays()).toEqual([RETRY_AFTER_FAILURE_MS]);
    clock.advance(RETRY_AFTER_FAILURE_MS);
    expect(wakes).toBe(1);
  });

  it('cancels the pending wake-up when stopped', () => {
    const clock = new ManualClock();
    const revisits = new Revisits(clock, () => undefined);
    revisits.retryLater('a');
    revisits.stop();
    expect(clock.pending).toBe(0);
  });
});

describe('reportableFailure', () => {
  it('keeps a transport failure quiet', () => {
    expect(reportableFailure(new TransportError('offline'))).toBeUndefined();
  });

  it('keeps a timeout quiet', () => {
    expect(reportableFailure(new TimeoutError('describe', 1_000))).toBeUndefined();
  });

  it('reports any other agent error as it is', () => {
    const error = new ClosedError();
    expect(reportableFailure(error)).toBe(error);
  });

  it('reports a foreign error as a transport error caused by it', () => {
    const cause = new Error('boom');
    const reported = reportableFailure(cause);
    expect(reported).toBeInstanceOf(TransportError);
    expect(reported?.cause).toBe(cause);
  });
});
