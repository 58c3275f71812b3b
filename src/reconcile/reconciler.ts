import type { Cancel, Clock } from '../clock.js';
import { AbortedError, ClosedError } from '../errors.js';
import type { ReconcileReport } from '../events.js';
import { ReconcileCadence, type CadenceOptions } from './cadence.js';

export type { InitialDelay } from './cadence.js';

/** Extra facts about a failed run, for deciding who reports it. */
export interface ReconcileFailureInfo {
  /**
   * True when a `runNow()` caller is waiting on this run and receives the rejection itself. The
   * agent reports background failures as `error` events and leaves awaited ones to the caller.
   */
  readonly awaited: boolean;
}

/** The timing options (interval, jitter, initial delay, failure backoff) are ReconcileCadence's. */
export interface ReconcilerOptions extends CadenceOptions {
  readonly clock: Clock;
  /** One complete reconcile. Must stop promptly when `signal` aborts. */
  readonly run: (signal: AbortSignal) => Promise<ReconcileReport>;
  /** Every successful run, scheduled or on demand, before its `runNow()` promises resolve. */
  readonly onReport: (report: ReconcileReport) => void;
  /**
   * Every failed run. `nextAttemptInMs` is when the loop tries again: the backoff delay, 0 when a
   * queued fresh run starts at once, or undefined when the loop is not started (nothing scheduled).
   */
  readonly onError: (error: unknown, nextAttemptInMs: number | undefined, info: ReconcileFailureInfo) => void;
}

export interface RunNowOptions {
  /**
   * Demand a run that starts after this call. Without it a call made while a run is in flight
   * shares that run. With it, the call queues one follow-up run that starts when the in-flight one
   * settles (every fresh call made meanwhile shares that same follow-up). Use it after a
   * reconnect: a listing fetched before the reconnect may predate notifications that were missed.
   */
  readonly fresh?: boolean;
}

interface Slot {
  readonly promise: Promise<ReconcileReport>;
  readonly resolve: (report: ReconcileReport) => void;
  readonly reject: (error: unknown) => void;
  awaited: boolean;
}

interface InFlight {
  readonly slot: Slot;
  readonly controller: AbortController;
  /** Settles (never rejects) when `run` itself has settled. */
  readonly done: Promise<void>;
}

type Outcome =
  { readonly ok: true; readonly report: ReconcileReport } | { readonly ok: false; readonly error: unknown };

/**
 * The reconcile loop: when to run, never two at once, and what to do after a failure. What a run
 * does is injected, so this file knows nothing of the cache or HTTP.
 *
 * Exactly one timer exists at a time and it is re-armed only when a run settles, so runs never
 * overlap (single flight by construction). Any run, scheduled or on demand, restarts the interval:
 * after a success the next run comes one jittered interval later; after a failure it comes after
 * the failure backoff, whose attempt count resets on the next success. Those delays are drawn by
 * ReconcileCadence (cadence.ts).
 */
export class Reconciler {
  readonly #clock: Clock;
  readonly #cadence: ReconcileCadence;
  readonly #run: (signal: AbortSignal) => Promise<ReconcileReport>;
  readonly #onReport: ReconcilerOptions['onReport'];
  readonly #onError: ReconcilerOptions['onError'];

  #started = false;
  #stopped = false;
  #timer: Cancel | undefined;
  #inFlight: InFlight | undefined;
  #followUp: Slot | undefined;
  /** Set by runWithin during a run: when the next run starts (clock ms), in place of the cadence. */
  #freshAtMs: number | undefined;

  constructor(options: ReconcilerOptions) {
    this.#cadence = new ReconcileCadence(options);
    this.#clock = options.clock;
    this.#run = options.run;
    this.#onReport = options.onReport;
    this.#onError = options.onError;
  }

  /** True while a run is in flight. */
  get isRunning(): boolean {
    return this.#inFlight !== undefined;
  }

  /**
   * Starts the periodic loop: the first run after `initialDelay`, then one per interval. Calling
   * it twice is harmless. To await the first run, call `runNow()` right after: the scheduled first
   * run is then absorbed, not repeated.
   */
  start(): void {
    if (this.#stopped) throw new ClosedError('the reconciler is stopped');
    if (this.#started) return;
    this.#started = true;
    // A run already in flight (an earlier runNow) arms the timer when it settles.
    if (this.#inFlight === undefined) this.#arm(this.#cadence.firstDelayMs());
  }

  /**
   * Runs a reconcile now, or shares the one in flight (see `RunNowOptions.fresh`). Resolves with
   * its report; rejects with the run's error, or with ClosedError when `stop()` cuts it short or
   * was already called.
   */
  runNow(options: RunNowOptions = {}): Promise<ReconcileReport> {
    if (this.#stopped) return Promise.reject(new ClosedError('the reconciler is stopped'));
    const inFlight = this.#inFlight;
    if (inFlight === undefined) {
      const slot = createSlot(true);
      this.#begin(slot);
      return slot.promise;
    }
    if (options.fresh !== true) {
      inFlight.slot.awaited = true;
      return inFlight.slot.promise;
    }
    this.#followUp ??= createSlot(true);
    this.#followUp.awaited = true;
    return this.#followUp.promise;
  }

  /**
   * Moves the next run to a random point of the next `maxDelayMs`, in place of the scheduled one:
   * after a broker restart a whole fleet calls this at once, and each agent then lists once, at
   * an even rate of N / window across the fleet. (Keeping whichever came sooner, the scheduled
   * run or the drawn point, would double the rate at the start of the window: the sooner of two
   * uniform draws is not uniform.) The run starts after this call, so it is fresh; a run in
   * flight may predate what the caller learnt, so the drawn point holds after it too.
   */
  runWithin(maxDelayMs: number): void {
    if (this.#stopped) return;
    const delayMs = this.#cadence.withinMs(maxDelayMs);
    if (this.#inFlight !== undefined) this.#freshAtMs = this.#clock.now() + delayMs;
    else this.#arm(delayMs);
  }

  /**
   * Cancels the timer, aborts the run in flight and rejects its waiting callers with ClosedError;
   * nothing runs afterwards. Resolves once the aborted run has settled, so the caller knows it no
   * longer touches shared state. Calling it twice is harmless.
   */
  stop(): Promise<void> {
    if (!this.#stopped) {
      this.#stopped = true;
      this.#disarm();
      const closed = new ClosedError('the reconciler is stopped');
      this.#followUp?.reject(closed);
      this.#followUp = undefined;
      const inFlight = this.#inFlight;
      if (inFlight !== undefined) {
        inFlight.slot.reject(closed);
        inFlight.controller.abort(new AbortedError('reconcile'));
      }
    }
    return this.#inFlight?.done ?? Promise.resolve();
  }

  #begin(slot: Slot): void {
    this.#disarm();
    const controller = new AbortController();
    // Invoked a microtask later, so the run is registered as in flight before its code runs.
    const done = Promise.resolve()
      .then(() => this.#run(controller.signal))
      .then(
        (report) => {
          this.#settle({ ok: true, report });
        },
        (error: unknown) => {
          this.#settle({ ok: false, error });
        },
      );
    this.#inFlight = { slot, controller, done };
  }

  #settle(outcome: Outcome): void {
    const inFlight = this.#inFlight;
    // After stop() the callers were already rejected and nothing may be reported or scheduled.
    if (this.#stopped || inFlight === undefined) return;
    this.#inFlight = undefined;

    const cadenceDelayMs = outcome.ok ? this.#cadence.afterSuccessMs() : this.#cadence.afterFailureMs();
    const freshAt = this.#freshAtMs;
    this.#freshAtMs = undefined;
    const nextDelayMs = freshAt === undefined ? cadenceDelayMs : Math.max(0, freshAt - this.#clock.now());

    // Re-arm (or start the queued follow-up) before calling out, so a callback that throws
    // cannot stall the loop.
    const followUp = this.#followUp;
    this.#followUp = undefined;
    let nextAttemptInMs: number | undefined;
    if (followUp !== undefined) {
      nextAttemptInMs = 0;
      this.#begin(followUp);
    } else if (this.#started || freshAt !== undefined) {
      nextAttemptInMs = nextDelayMs;
      this.#arm(nextDelayMs);
    }

    const { slot } = inFlight;
    if (outcome.ok) {
      callSafely(() => {
        this.#onReport(outcome.report);
      });
      slot.resolve(outcome.report);
    } else {
      callSafely(() => {
        this.#onError(outcome.error, nextAttemptInMs, { awaited: slot.awaited });
      });
      slot.reject(outcome.error);
    }
  }

  #arm(delayMs: number): void {
    this.#disarm();
    this.#timer = this.#clock.schedule(delayMs, () => {
      this.#timer = undefined;
      if (this.#stopped || this.#inFlight !== undefined) return;
      this.#begin(createSlot(false));
    });
  }

  #disarm(): void {
    this.#timer?.();
    this.#timer = undefined;
  }
}

function createSlot(awaited: boolean): Slot {
  let resolve: ((report: ReconcileReport) => void) | undefined;
  let reject: ((error: unknown) => void) | undefined;
  const promise = new Promise<ReconcileReport>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // A scheduled run nobody awaits must not surface as an unhandled rejection; onError reports it.
  promise.catch(() => undefined);
  if (resolve === undefined || reject === undefined)
    throw new Error('unreachable: executor runs synchronously');
  return { promise, resolve, reject, awaited };
}

/**
 * The callbacks are the agent's, which routes them through its own guarded emit; a throw here is
 * a bug there, and must not break the loop's bookkeeping.
 */
function callSafely(callback: () => void): void {
  try {
    callback();
  } catch {
    // deliberately ignored: see above
  }
}
