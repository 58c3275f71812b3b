import { type Clock, sleep } from '../clock.js';
import {
  AbortedError,
  HttpError,
  ServiceUnavailableError,
  ThrottlingError,
  TimeoutError,
  TransportError,
} from '../errors.js';

/** How transient failures are retried. */
export interface RetryPolicy {
  /** Attempts in all, the first included. @default 5 */
  readonly maxAttempts: number;
  /** Cap of the first backoff; doubles per attempt. @default 200 */
  readonly initialDelayMs: number;
  /** Cap of any one backoff. @default 20_000 */
  readonly maxDelayMs: number;
  /** No retry is started once this much time has passed since the first attempt. @default 60_000 */
  readonly maxTotalMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 5,
  initialDelayMs: 200,
  maxDelayMs: 20_000,
  maxTotalMs: 60_000,
};

/**
 * Capped exponential backoff with full jitter (a uniform delay between 0 and the cap), which
 * spreads a fleet's retries best. `attempt` is the number of the attempt that just failed (1-based).
 * Pure: `random` returns [0, 1).
 */
export function fullJitterDelay(attempt: number, policy: RetryPolicy, random: () => number): number {
  const cap = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(cap * random());
}

/** Throttling, ServiceUnavailable, other 5xx, network failures and timeouts. */
export function isRetryable(error: unknown): boolean {
  if (error instanceof ThrottlingError || error instanceof ServiceUnavailableError) return true;
  if (error instanceof HttpError) return error.status >= 500;
  return error instanceof TransportError || error instanceof TimeoutError;
}

export interface RetryContext {
  readonly operation: string;
  readonly policy: RetryPolicy;
  readonly clock: Clock;
  readonly random: () => number;
  readonly signal?: AbortSignal | undefined;
}

/**
 * Runs `attempt` until it succeeds, fails with a non-retryable error, or the attempt or time
 * budget is spent; then rejects with the last error. An abort (before an attempt or during a
 * backoff) rejects with AbortedError.
 */
export async function withRetries<T>(context: RetryContext, attempt: () => Promise<T>): Promise<T> {
  const { operation, policy, clock, random, signal } = context;
  const startedAt = clock.now();
  for (let number = 1; ; number++) {
    if (signal?.aborted) throw new AbortedError(operation, { cause: signal.reason });
    try {
      return await attempt();
    } catch (error) {
      if (!isRetryable(error) || number >= policy.maxAttempts) throw error;
      const delayMs = fullJitterDelay(number, policy, random);
      if (clock.now() - startedAt + delayMs > policy.maxTotalMs) throw error;
      try {
        await sleep(clock, delayMs, signal);
      } catch (abortReason) {
        throw new AbortedError(operation, { cause: abortReason });
      }
    }
  }
}
