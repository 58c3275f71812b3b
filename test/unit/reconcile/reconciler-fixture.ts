import type { ReconcileReport } from '../../../src/events.js';
import {
  Reconciler,
  type ReconcileFailureInfo,
  type ReconcilerOptions,
} from '../../../src/reconcile/reconciler.js';
import { ManualClock } from '../../helpers/manual-clock.js';

/** One call of the injected `run`, settled by the test. */
export interface RunCall {
  readonly signal: AbortSignal;
  readonly startedAtMs: number;
  resolve(report: ReconcileReport): void;
  reject(error: unknown): void;
}

export interface ErrorCall {
  readonly error: unknown;
  readonly nextAttemptInMs: number | undefined;
  readonly info: ReconcileFailureInfo;
  readonly atMs: number;
}

export function report(added: number): ReconcileReport {
  return { added, updated: 0, removed: 0, total: added, durationMs: 1 };
}

export interface Harness {
  readonly clock: ManualClock;
  readonly reconciler: Reconciler;
  /** Every call of `run`, in order. */
  readonly calls: RunCall[];
  /** Everything passed to `onReport`. */
  readonly reports: ReconcileReport[];
  /** Everything passed to `onError`. */
  readonly errors: ErrorCall[];
}

/**
 * A Reconciler on a ManualClock whose runs stay pending until the test settles them
 * (`calls[i].resolve/reject`), unless `autoRun` answers them at once.
 */
export function createHarness(
  overrides: Partial<ReconcilerOptions> & {
    autoRun?: (index: number) => ReconcileReport | Error;
  } = {},
): Harness {
  const clock = new ManualClock(0);
  const calls: RunCall[] = [];
  const reports: ReconcileReport[] = [];
  const errors: ErrorCall[] = [];
  const { autoRun, ...options } = overrides;
  const run = (signal: AbortSignal): Promise<ReconcileReport> => {
    const index = calls.length;
    return new Promise<ReconcileReport>((resolve, reject) => {
      calls.push({ signal, startedAtMs: clock.now(), resolve, reject });
      const outcome = autoRun?.(index);
      if (outcome instanceof Error) reject(outcome);
      else if (outcome !== undefined) resolve(outcome);
    });
  };
  const reconciler = new Reconciler({
    clock,
    random: () => 0.5,
    intervalMs: 60_000,
    jitterRatio: 0.1,
    initialDelay: 'immediate',
    failureBackoff: { initialDelayMs: 1_000, maxDelayMs: 8_000, factor: 2 },
    run,
    onReport: (r) => reports.push(r),
    onError: (error, nextAttemptInMs, info) =>
      errors.push({ error, nextAttemptInMs, info, atMs: clock.now() }),
    ...options,
  });
  return { clock, reconciler, calls, reports, errors };
}
