import type { Cancel, Clock } from '../clock.js';
import { CacheError, describeError } from '../errors.js';
import type { CacheSnapshot, ExecutionCache } from './execution-cache.js';

export interface SnapshotWriterOptions {
  readonly cache: ExecutionCache;
  readonly clock: Clock;
  /** How long after the first unsaved change a save starts; changes meanwhile share that save. */
  readonly debounceMs: number;
  /** Called when a save starts, so every save stores the latest state. */
  readonly takeSnapshot: () => CacheSnapshot;
  /** Failures of background saves (flush rejects instead). */
  readonly onError: (error: CacheError) => void;
}

/**
 * Debounced, single-flight persistence of the execution table. A burst of changes becomes one
 * save at most `debounceMs` after its first change (the timer is not pushed back by later
 * changes, so a steady stream of changes still gets saved). Saves never overlap: a change made
 * while one runs leads to exactly one more save after it. A failed save is not retried on its
 * own (a full disk would fail again); the next change or `flush()` tries again.
 */
export class SnapshotWriter {
  readonly #options: SnapshotWriterOptions;
  /** A change was requested that no started save has picked up yet. */
  #requested = false;
  /** The last save failed, so the stored state may be behind. */
  #failed = false;
  #cancelTimer: Cancel | undefined;
  /** The running save; never rejects. */
  #inFlight: Promise<void> | undefined;
  #closed = false;

  constructor(options: SnapshotWriterOptions) {
    this.#options = options;
  }

  /** Notes that the state changed; a save follows within `debounceMs`. Ignored after close(). */
  requestSave(): void {
    if (this.#closed) return;
    this.#requested = true;
    this.#arm();
  }

  /**
   * Saves now if anything is unsaved (including after a failed save), after waiting for a save in
   * flight. Rejects with the CacheError of the save it made itself.
   */
  async flush(): Promise<void> {
    for (;;) {
      this.#disarm();
      if (this.#inFlight === undefined) break;
      await this.#inFlight;
    }
    if (!this.#requested && !this.#failed) return;
    const error = await this.#save(false);
    if (error) throw error;
  }

  /**
   * Stops scheduling saves: a pending timer is cancelled and later requests are ignored. Call
   * `flush()` first to store what is pending. A save already running completes.
   */
  close(): void {
    this.#closed = true;
    this.#disarm();
  }

  #arm(): void {
    if (this.#closed || this.#cancelTimer !== undefined || this.#inFlight !== undefined) return;
    if (!this.#requested) return;
    this.#cancelTimer = this.#options.clock.schedule(this.#options.debounceMs, () => {
      this.#cancelTimer = undefined;
      void this.#save(true);
    });
  }

  #disarm(): void {
    this.#cancelTimer?.();
    this.#cancelTimer = undefined;
  }

  /** Runs one save; `report` sends a failure to onError (background saves) instead of returning it. */
  #save(report: boolean): Promise<CacheError | undefined> {
    this.#requested = false;
    const outcome = this.#store().then((error) => {
      this.#failed = error !== undefined;
      this.#inFlight = undefined;
      if (error && report) this.#report(error);
      this.#arm();
      return error;
    });
    this.#inFlight = outcome.then(() => undefined);
    return outcome;
  }

  async #store(): Promise<CacheError | undefined> {
    try {
      await this.#options.cache.save(this.#options.takeSnapshot());
      return undefined;
    } catch (error) {
      return error instanceof CacheError
        ? error
        : new CacheError(`saving the execution cache failed: ${describeError(error)}`, undefined, {
            cause: error,
          });
    }
  }

  #report(error: CacheError): void {
    try {
      this.#options.onError(error);
    } catch {
      // The callback is the agent's error reporting; a throw there has nowhere better to go.
    }
  }
}
