import { describe, expect, it } from 'vitest';
import { ClosedError, TimeoutError } from '../../../src/errors.js';
import { PendingRequests } from '../../../src/transport/correlation.js';
import { ManualClock } from '../../helpers/manual-clock.js';

function setup(): { clock: ManualClock; pending: PendingRequests<string> } {
  const clock = new ManualClock();
  return { clock, pending: new PendingRequests<string>(clock) };
}

describe('PendingRequests', () => {
  it('resolves a registered request with the value given for its clientToken', async () => {
    const { pending } = setup();
    const response = pending.register('t1', 'GetPendingJobExecutions', 1_000);
    expect(pending.resolve('t1', 'ok')).toBe(true);
    await expect(response).resolves.toBe('ok');
    expect(pending.size).toBe(0);
  });

  it('routes each response to its own clientToken', async () => {
    const { pending } = setup();
    const a = pending.register('a', 'op', 1_000);
    const b = pending.register('b', 'op', 1_000);
    pending.resolve('b', 'for b');
    pending.resolve('a', 'for a');
    await expect(a).resolves.toBe('for a');
    await expect(b).resolves.toBe('for b');
  });

  it('rejects a registered request with the given error', async () => {
    const { pending } = setup();
    const response = pending.register('t1', 'op', 1_000);
    const error = new Error('rejected');
    expect(pending.reject('t1', error)).toBe(true);
    await expect(response).rejects.toBe(error);
    expect(pending.size).toBe(0);
  });

  it('rejects with a TimeoutError naming the operation once the timeout elapses', async () => {
    const { clock, pending } = setup();
    const response = pending.register('t1', 'UpdateJobExecution', 5_000);
    clock.advance(4_999);
    expect(pending.size).toBe(1);
    clock.advance(1);
    const error: unknown = await response.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ code: 'ERR_TIMEOUT', operation: 'UpdateJobExecution', timeoutMs: 5_000 });
    expect(pending.size).toBe(0);
  });

  it('returns false for a response that arrives after the timeout', async () => {
    const { clock, pending } = setup();
    const response = pending.register('t1', 'op', 100);
    clock.advance(100);
    await expect(response).rejects.toBeInstanceOf(TimeoutError);
    expect(pending.resolve('t1', 'late')).toBe(false);
    expect(pending.reject('t1', new Error('late'))).toBe(false);
  });

  it('returns false for an unknown clientToken', () => {
    const { pending } = setup();
    expect(pending.resolve('nobody', 'x')).toBe(false);
    expect(pending.reject('nobody', new Error('x'))).toBe(false);
  });

  it('cancels the timeout timer when a request settles', async () => {
    const { clock, pending } = setup();
    const response = pending.register('t1', 'op', 1_000);
    expect(clock.pending).toBe(1);
    pending.resolve('t1', 'ok');
    await response;
    expect(clock.pending).toBe(0);
  });

  it('rejects every pending request on rejectAll and cancels their timers', async () => {
    const { clock, pending } = setup();
    const a = pending.register('a', 'op', 1_000);
    const b = pending.register('b', 'op', 2_000);
    const closed = new ClosedError();
    expect(pending.rejectAll(closed)).toBe(2);
    await expect(a).rejects.toBe(closed);
    await expect(b).rejects.toBe(closed);
    expect(pending.size).toBe(0);
    expect(clock.pending).toBe(0);
  });

  it('throws when a clientToken is registered twice while pending', async () => {
    const { pending } = setup();
    const first = pending.register('t1', 'op', 1_000);
    expect(() => pending.register('t1', 'op', 1_000)).toThrow(TypeError);
    pending.resolve('t1', 'ok');
    await expect(first).resolves.toBe('ok');
  });

  it('accepts a clientToken again once its first request settled, with a fresh timeout', async () => {
    const { clock, pending } = setup();
    const first = pending.register('t1', 'op', 1_000);
    clock.advance(600);
    pending.resolve('t1', 'first');
    await first;
    const second = pending.register('t1', 'op', 1_000);
    clock.advance(600);
    expect(pending.has('t1')).toBe(true);
    pending.resolve('t1', 'second');
    await expect(second).resolves.toBe('second');
  });
});
