import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_POLICY, fullJitterDelay, isRetryable, withRetries } from '../../../src/http/retry.js';
import {
  AbortedError,
  ConfigError,
  HttpError,
  InvalidRequestError,
  ResourceNotFoundError,
  ServiceUnavailableError,
  ThrottlingError,
  TimeoutError,
  TransportError,
} from '../../../src/errors.js';
import { ManualClock, flushMicrotasks } from '../../helpers/manual-clock.js';

const policy = { maxAttempts: 4, initialDelayMs: 100, maxDelayMs: 1_000, maxTotalMs: 10_000 };

describe('fullJitterDelay', () => {
  it.each([
    [1, 1, 99],
    [2, 1, 199],
    [3, 1, 399],
    [5, 1, 999],
    [30, 1, 999],
    [3, 0, 0],
    [3, 0.5, 200],
  ])('after attempt %i with random %f waits %i ms', (attempt, random, expected) => {
    // random() is in [0, 1): model "1" as the largest value below it
    const r = random === 1 ? 1 - Number.EPSILON : random;
    expect(fullJitterDelay(attempt, policy, () => r)).toBe(expected);
  });
});

describe('isRetryable', () => {
  const error = (Type: typeof HttpError, status: number): HttpError => new Type('Op', status, undefined, '');
  it.each([
    ['ThrottlingError', error(ThrottlingError, 400), true],
    ['ServiceUnavailableError', error(ServiceUnavailableError, 503), true],
    ['HTTP 500', error(HttpError, 500), true],
    ['HTTP 502', error(HttpError, 502), true],
    ['TransportError', new TransportError('reset'), true],
    ['TimeoutError', new TimeoutError('Op', 10), true],
    ['InvalidRequestError', error(InvalidRequestError, 400), false],
    ['ResourceNotFoundError', error(ResourceNotFoundError, 404), false],
    ['HTTP 403', error(HttpError, 403), false],
    ['ConfigError', ConfigError.forField('x', 'bad'), false],
    ['a plain Error', new Error('x'), false],
  ])('%s → %s', (_label, value, expected) => {
    expect(isRetryable(value)).toBe(expected);
  });
});

describe('withRetries', () => {
  const transient = (): ServiceUnavailableError => new ServiceUnavailableError('Op', 503, undefined, '');

  it('returns the first success after transient failures', async () => {
    const clock = new ManualClock();
    let calls = 0;
    const result = withRetries({ operation: 'Op', policy, clock, random: () => 0.5 }, () => {
      calls++;
      return calls < 3 ? Promise.reject(transient()) : Promise.resolve('done');
    });
    await clock.advanceAsync(10_000);
    await expect(result).resolves.toBe('done');
    expect(calls).toBe(3);
  });

  it('waits the jittered delay between attempts', async () => {
    const clock = new ManualClock();
    void withRetries({ operation: 'Op', policy, clock, random: () => 0.5 }, () =>
      Promise.reject(transient()),
    ).catch(() => undefined);
    await flushMicrotasks();
    expect(clock.pendingDelays()).toEqual([50]);
    await clock.advanceAsync(50);
    expect(clock.pendingDelays()).toEqual([100]);
  });

  it('rejects with the last error once the attempts are spent', async () => {
    const clock = new ManualClock();
    let calls = 0;
    const result = withRetries({ operation: 'Op', policy, clock, random: () => 0 }, () => {
      calls++;
      return Promise.reject(new ServiceUnavailableError('Op', 503, undefined, `attempt ${calls}`));
    });
    const settled = expect(result).rejects.toThrow('attempt 4');
    await clock.advanceAsync(0);
    await settled;
    expect(calls).toBe(4);
  });

  it('stops retrying when the next delay would pass the time budget', async () => {
    const clock = new ManualClock();
    let calls = 0;
    const budget = { maxAttempts: 100, initialDelayMs: 1_000, maxDelayMs: 1_000, maxTotalMs: 2_500 };
    const result = withRetries({ operation: 'Op', policy: budget, clock, random: () => 0.999 }, () => {
      calls++;
      return Promise.reject(transient());
    });
    const settled = expect(result).rejects.toBeInstanceOf(ServiceUnavailableError);
    await clock.advanceAsync(10_000);
    await settled;
    expect(calls).toBe(3);
  });

  it('does not retry a non-retryable error', async () => {
    let calls = 0;
    const result = withRetries({ operation: 'Op', policy, clock: new ManualClock(), random: () => 0 }, () => {
      calls++;
      return Promise.reject(new InvalidRequestError('Op', 400, 'InvalidRequestException', ''));
    });
    await expect(result).rejects.toBeInstanceOf(InvalidRequestError);
    expect(calls).toBe(1);
  });

  it('rejects with AbortedError when aborted during a backoff', async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    let calls = 0;
    const result = withRetries(
      { operation: 'Op', policy, clock, random: () => 0.5, signal: controller.signal },
      () => {
        calls++;
        return Promise.reject(transient());
      },
    );
    await flushMicrotasks();
    controller.abort();
    await expect(result).rejects.toBeInstanceOf(AbortedError);
    expect(calls).toBe(1);
    expect(clock.pending).toBe(0);
  });

  it('makes no attempt when already aborted', async () => {
    let calls = 0;
    const result = withRetries(
      { operation: 'Op', policy, clock: new ManualClock(), random: () => 0, signal: AbortSignal.abort() },
      () => {
        calls++;
        return Promise.resolve(1);
      },
    );
    await expect(result).rejects.toBeInstanceOf(AbortedError);
    expect(calls).toBe(0);
  });

  it('defaults to five attempts', () => {
    expect(DEFAULT_RETRY_POLICY.maxAttempts).toBe(5);
  });
});
