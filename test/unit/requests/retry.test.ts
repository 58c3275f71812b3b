import { describe, expect, it } from 'vitest';
import { RejectedError, TimeoutError } from '../../../src/errors.js';
import { retryRejected } from '../../../src/requests/retry.js';
import { ManualClock, flushMicrotasks } from '../../helpers/manual-clock.js';

const policy = { initialDelayMs: 100, maxDelayMs: 1_000, factor: 2, maxAttempts: 5 };

function failing(codes: string[]) {
  const calls: number[] = [];
  const clock = new ManualClock(0);
  const attempt = () => {
    calls.push(clock.now());
    const code = codes.shift();
    return code === undefined ? Promise.resolve('ok') : Promise.reject(new RejectedError('update j', code));
  };
  return { calls, clock, attempt };
}

describe('retryRejected', () => {
  it('retries RequestThrottled and InternalError with capped full-jitter backoff', async () => {
    const { calls, clock, attempt } = failing([
      'RequestThrottled',
      'InternalError',
      'RequestThrottled',
      'RequestThrottled',
    ]);
    const result = retryRejected(attempt, { clock, random: () => 0.5, policy });
    for (let i = 0; i < 10; i++) {
      await flushMicrotasks();
      clock.advance(1_000);
    }
    expect(await result).toBe('ok');
    expect(calls).toHaveLength(5);
    expect(clock.pendingDelays()).toEqual([]);
  });

  it('waits exactly the computed backoff', async () => {
    const { calls, clock, attempt } = failing(['RequestThrottled', 'RequestThrottled']);
    const result = retryRejected(attempt, { clock, random: () => 0.5, policy });
    await flushMicrotasks();
    expect(clock.pendingDelays()).toEqual([50]);
    await clock.advanceAsync(50);
    expect(clock.pendingDelays()).toEqual([100]);
    await clock.advanceAsync(100);
    expect(await result).toBe('ok');
    expect(calls).toEqual([0, 50, 150]);
  });

  it('gives up after maxAttempts with the last rejection', async () => {
    const { calls, clock, attempt } = failing(Array<string>(10).fill('RequestThrottled'));
    const result = retryRejected(attempt, {
      clock,
      random: () => 0,
      policy: { ...policy, maxAttempts: 3 },
    }).catch((error: unknown) => error);
    await clock.advanceAsync(0);
    await clock.advanceAsync(0);
    expect(await result).toMatchObject({ rejectedCode: 'RequestThrottled' });
    expect(calls).toHaveLength(3);
  });

  it('does not retry a final rejection', async () => {
    const { calls, clock, attempt } = failing(['VersionMismatch']);
    await expect(retryRejected(attempt, { clock, random: () => 0, policy })).rejects.toMatchObject({
      rejectedCode: 'VersionMismatch',
    });
    expect(calls).toHaveLength(1);
  });

  it('does not retry a timeout', async () => {
    const clock = new ManualClock(0);
    let calls = 0;
    const attempt = () => {
      calls += 1;
      return Promise.reject(new TimeoutError('update j', 10));
    };
    await expect(retryRejected(attempt, { clock, random: () => 0, policy })).rejects.toBeInstanceOf(
      TimeoutError,
    );
    expect(calls).toBe(1);
  });

  it('stops waiting when aborted', async () => {
    const { clock, attempt } = failing(['RequestThrottled']);
    const controller = new AbortController();
    const result = retryRejected(attempt, { clock, random: () => 0.9, policy, signal: controller.signal });
    await flushMicrotasks();
    controller.abort(new Error('stopping'));
    await expect(result).rejects.toThrow('stopping');
  });
});
