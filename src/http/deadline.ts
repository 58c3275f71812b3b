import type { Clock } from '../clock.js';

/** A signal for one HTTP exchange: aborted by the caller's signal or by its own timeout. */
export interface Deadline {
  readonly signal: AbortSignal;
  /** True once the timeout (not the caller) aborted the signal. */
  readonly timedOut: boolean;
  /** Stops the timer; call when the exchange is over, whatever its outcome. */
  dispose(): void;
}

/**
 * Combines the caller's `signal` with a timeout run on `clock` (not `AbortSignal.timeout`, so
 * tests drive it with a ManualClock like every other timer the agent owns).
 */
export function startDeadline(clock: Clock, timeoutMs: number, signal?: AbortSignal): Deadline {
  const controller = new AbortController();
  let timedOut = false;
  const onCallerAbort = (): void => {
    controller.abort(signal?.reason);
  };
  const cancelTimer = clock.schedule(timeoutMs, () => {
    timedOut = true;
    controller.abort(new Error(`timed out after ${timeoutMs} ms`));
  });
  if (signal?.aborted) onCallerAbort();
  else signal?.addEventListener('abort', onCallerAbort, { once: true });
  return {
    signal: controller.signal,
    get timedOut() {
      return timedOut;
    },
    dispose() {
      cancelTimer();
      signal?.removeEventListener('abort', onCallerAbort);
    },
  };
}
