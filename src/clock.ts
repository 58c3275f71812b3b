/** Cancels a scheduled task; calling it twice is harmless. */
export type Cancel = () => void;

/**
 * Time as the agent sees it. Injected so tests drive time by hand and every timer the agent owns
 * goes through one seam.
 */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /** Runs `task` once after `delayMs`; periodic work re-schedules itself. */
  schedule(delayMs: number, task: () => void): Cancel;
}

/** The real clock. Its timers never keep the process alive on their own; sockets do. */
export const systemClock: Clock = {
  now: () => Date.now(),
  schedule(delayMs, task) {
    const handle = setTimeout(task, Math.max(0, delayMs));
    handle.unref();
    return () => {
      clearTimeout(handle);
    };
  },
};

/** Resolves after `delayMs` on `clock`, or rejects with the signal's reason when aborted. */
export function sleep(clock: Clock, delayMs: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
      return;
    }
    const onAbort = (): void => {
      cancel();
      reject(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
    };
    const cancel = clock.schedule(delayMs, () => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    });
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
