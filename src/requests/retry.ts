import { sleep, type Clock } from '../clock.js';
import { RejectedError } from '../errors.js';
import { computeBackoff, type BackoffPolicy } from '../transport/backoff.js';

/** How throttled or failed requests are retried: capped exponential backoff with full jitter. */
export interface RetryPolicy extends BackoffPolicy {
  /** Attempts in all, the first included; `Infinity` retries for as long as the service asks to. */
  readonly maxAttempts: number;
}

/** Requests: 5 attempts, waits bounded by 200 ms, 400 ms, 800 ms ... capped at 10 s. */
export const DEFAULT_REQUEST_RETRY: RetryPolicy = Object.freeze({
  initialDelayMs: 200,
  maxDelayMs: 10_000,
  factor: 2,
  maxAttempts: 5,
});

export interface RetryContext {
  readonly clock: Clock;
  readonly random: () => number;
  readonly policy: RetryPolicy;
  /** Stops waiting between attempts (the wait rejects with the signal's reason). */
  readonly signal?: AbortSignal | undefined;
}

/** True for a rejection AWS IoT Jobs asks the device to retry (RequestThrottled, InternalError). */
export function isRetryableRejection(error: unknown): error is RejectedError {
  return error instanceof RejectedError && error.retryable;
}

/**
 * Runs `attempt` until it resolves, fails with something other than a retryable rejection, or
 * `policy.maxAttempts` attempts have failed; then the last error propagates. The wait before
 * retry n is computeBackoff(n): full jitter spreads a fleet that was throttled at once.
 */
export async function retryRejected<T>(
  attempt: (attemptNumber: number) => Promise<T>,
  context: RetryContext,
): Promise<T> {
  for (let attemptNumber = 1; ; attemptNumber++) {
    try {
      return await attempt(attemptNumber);
    } catch (error) {
      if (!isRetryableRejection(error) || attemptNumber >= context.policy.maxAttempts) throw error;
      const delayMs = computeBackoff(attemptNumber, context.policy, context.random);
      await sleep(context.clock, delayMs, context.signal);
    }
  }
}
