import type { Cancel, Clock } from '../clock.js';
import { TransportError, describeError, isJobsAgentError, type JobsAgentError } from '../errors.js';
import { skipKey } from './candidates.js';

/** Wait before looking at an execution again after its preparation failed (e.g. offline). */
export const RETRY_AFTER_FAILURE_MS = 5_000;

/**
 * The scheduler's memory of executions not to look at again yet: skipped ones (nothing could
 * take them) until handlers change, and job ids whose preparation or start failed until
 * RETRY_AFTER_FAILURE_MS have passed. One timer wakes the scheduler when the latest wait ends.
 */
export class Revisits {
  readonly #clock: Clock;
  readonly #wake: () => void;
  /** `jobId#executionNumber` keys (skipKey) not worth another look until handlers change. */
  readonly #skipped = new Set<string>();
  /** Epoch ms before which a job id is not tried again. */
  readonly #notBefore = new Map<string, number>();
  #timer: Cancel | undefined;

  /** `wake` is called when a wait after a failure ends. */
  constructor(clock: Clock, wake: () => void) {
    this.#clock = clock;
    this.#wake = wake;
  }

  get skipped(): ReadonlySet<string> {
    return this.#skipped;
  }

  get notBefore(): ReadonlyMap<string, number> {
    return this.#notBefore;
  }

  /** Nothing can take this execution until handlers change. */
  skip(jobId: string, executionNumber: number | undefined): void {
    this.#skipped.add(skipKey(jobId, executionNumber));
  }

  /** Handlers changed: skipped executions are worth another look. */
  forgetSkips(): void {
    this.#skipped.clear();
  }

  /** `jobId` failed: not again before RETRY_AFTER_FAILURE_MS, then wake the scheduler. */
  retryLater(jobId: string): void {
    this.#notBefore.set(jobId, this.#clock.now() + RETRY_AFTER_FAILURE_MS);
    this.#timer?.();
    this.#timer = this.#clock.schedule(RETRY_AFTER_FAILURE_MS, () => {
      this.#timer = undefined;
      this.#wake();
    });
  }

  /** Cancels the pending wake-up. */
  stop(): void {
    this.#timer?.();
  }
}

/**
 * The error to report for a failed preparation, or undefined for an offline one (a transport
 * failure or a timeout), which is only retried later.
 */
export function reportableFailure(error: unknown): JobsAgentError | undefined {
  if (error instanceof TransportError || (isJobsAgentError(error) && error.code === 'ERR_TIMEOUT')) {
    return undefined;
  }
  return isJobsAgentError(error) ? error : new TransportError(describeError(error), { cause: error });
}
