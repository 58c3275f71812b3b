import type { Cancel, Clock } from '../clock.js';
import { TimeoutError } from '../errors.js';

interface Pending<T> {
  cancelTimeout: Cancel;
  readonly resolve: (value: T) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * In-flight request/response exchanges keyed by `clientToken` (AWS IoT Jobs echoes it on the
 * `/accepted` and `/rejected` topics). Works on MQTT 3.1.1, which has no correlation data.
 * Each request settles exactly once: by its response, by its timeout on the Clock, or by
 * rejectAll() when the agent stops. A late response after a timeout finds nothing and is dropped.
 */
export class PendingRequests<T> {
  readonly #clock: Clock;
  readonly #pending = new Map<string, Pending<T>>();

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** Number of requests still waiting. */
  get size(): number {
    return this.#pending.size;
  }

  /** True while `clientToken` waits for its response. */
  has(clientToken: string): boolean {
    return this.#pending.has(clientToken);
  }

  /**
   * Waits for the response to `clientToken`; rejects with a TimeoutError naming `operation`
   * after `timeoutMs`. Register before publishing the request so a fast response can't be missed.
   * A token already pending is a programming error (tokens must be unique): throws TypeError.
   */
  register(clientToken: string, operation: string, timeoutMs: number): Promise<T> {
    if (this.#pending.has(clientToken)) {
      throw new TypeError(`clientToken ${clientToken} is already pending`);
    }
    return new Promise<T>((resolve, reject) => {
      const entry: Pending<T> = { cancelTimeout: () => undefined, resolve, reject };
      this.#pending.set(clientToken, entry);
      entry.cancelTimeout = this.#clock.schedule(timeoutMs, () => {
        // Only if still ours: the token may have settled, or been reused after settling.
        if (this.#pending.get(clientToken) !== entry) return;
        this.#pending.delete(clientToken);
        reject(new TimeoutError(operation, timeoutMs));
      });
    });
  }

  /** Settles `clientToken` with `value`; false when nothing waits for it (unknown or timed out). */
  resolve(clientToken: string, value: T): boolean {
    const entry = this.#take(clientToken);
    entry?.resolve(value);
    return entry !== undefined;
  }

  /** Rejects `clientToken` with `error`; false when nothing waits for it. */
  reject(clientToken: string, error: unknown): boolean {
    const entry = this.#take(clientToken);
    entry?.reject(error);
    return entry !== undefined;
  }

  /** Rejects every waiting request with `error` (e.g. a ClosedError on stop). Returns how many. */
  rejectAll(error: unknown): number {
    const entries = [...this.#pending.values()];
    this.#pending.clear();
    for (const entry of entries) {
      entry.cancelTimeout();
      entry.reject(error);
    }
    return entries.length;
  }

  #take(clientToken: string): Pending<T> | undefined {
    const entry = this.#pending.get(clientToken);
    if (!entry) return undefined;
    this.#pending.delete(clientToken);
    entry.cancelTimeout();
    return entry;
  }
}
