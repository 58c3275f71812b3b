import type { Clock } from '../clock.js';
import { TimeoutError } from '../errors.js';
import type { JobExecution, StatusDetails } from '../protocol/types.js';
import { checkpointCopy, checkStatusUpdate, errorReason, failureDetails } from './outcome.js';
import { ProgressCoalescer, type ProgressReport } from './progress.js';
import type { Checkpoint, JobContext, JobHandler, JobOutcomeStatus, ProgressOptions } from './types.js';
import { StepWatchdog } from './watchdog.js';

/** Why a run was cut short. */
export type AbortCause = 'canceled' | 'timed-out' | 'stopping';

/** How a run ended, for the lifecycle to record and report. */
export type RunEnd =
  | {
      readonly kind: 'completed';
      readonly status: JobOutcomeStatus;
      readonly statusDetails?: StatusDetails | undefined;
      /** Set when the handler threw. */
      readonly reason?: string | undefined;
    }
  | { readonly kind: 'aborted'; readonly cause: AbortCause };

export interface JobRunOptions {
  readonly execution: JobExecution;
  readonly operation: string;
  readonly document: unknown;
  readonly handler: JobHandler<unknown>;
  readonly resuming: boolean;
  readonly checkpoint: Checkpoint | undefined;
  readonly clock: Clock;
  readonly progressIntervalMs: number;
  /** Queues one IN_PROGRESS update; settles when the service accepted it (or it was dropped). */
  readonly sendProgress: (report: ProgressReport) => Promise<unknown>;
  readonly saveCheckpoint: (checkpoint: Checkpoint) => Promise<void>;
  /** The step watchdog fired (the run is already aborted). */
  readonly onTimedOut: (deadlineMs: number) => void;
}

/**
 * One handler invocation for one execution: its AbortSignal, its coalesced progress, its step
 * watchdog and the translation of whatever it returns or throws into a RunEnd. It sends no
 * terminal status itself: the lifecycle decides that from the RunEnd (and sends none after an
 * abort).
 */
export class JobRun {
  readonly execution: JobExecution;
  readonly operation: string;
  readonly startedAtMs: number;
  readonly #options: JobRunOptions;
  readonly #controller = new AbortController();
  readonly #progress: ProgressCoalescer;
  readonly #watchdog: StepWatchdog;
  #cause: AbortCause | undefined;

  constructor(options: JobRunOptions) {
    this.#options = options;
    this.execution = options.execution;
    this.operation = options.operation;
    this.startedAtMs = options.clock.now();
    this.#watchdog = new StepWatchdog(options.clock, (deadlineMs) => {
      this.abort('timed-out', new TimeoutError(`job ${this.jobId}`, deadlineMs - this.startedAtMs));
      options.onTimedOut(deadlineMs);
    });
    this.#progress = new ProgressCoalescer({
      clock: options.clock,
      minIntervalMs: options.progressIntervalMs,
      send: async (report) => {
        const sentAtMs = options.clock.now();
        await options.sendProgress(report);
        // The service restarts its step timer when it accepts the update, never before it was sent.
        if (report.stepTimeoutInMinutes !== undefined && !this.aborted) {
          this.#watchdog.setStep(sentAtMs, report.stepTimeoutInMinutes);
        }
      },
    });
  }

  get jobId(): string {
    return this.execution.jobId;
  }

  get executionNumber(): number | undefined {
    return this.execution.executionNumber;
  }

  get aborted(): boolean {
    return this.#cause !== undefined;
  }

  get abortCause(): AbortCause | undefined {
    return this.#cause;
  }

  /** Arms the step watchdog: `minutes` from `startedAtMs` (when the IN_PROGRESS was sent). */
  setStepTimeout(startedAtMs: number, minutes: number | undefined): void {
    this.#watchdog.setStep(startedAtMs, minutes);
  }

  /** A deadline progress cannot move (the service's remaining time at start, when it said). */
  setHardDeadline(deadlineMs: number | undefined): void {
    this.#watchdog.setHard(deadlineMs);
  }

  /** Aborts the handler's signal (the first cause wins) and stops progress and the watchdog. */
  abort(cause: AbortCause, reason: Error): void {
    if (this.#cause !== undefined) return;
    this.#cause = cause;
    this.#watchdog.stop();
    this.#progress.close();
    this.#controller.abort(reason);
  }

  /** Calls the handler and resolves with how it ended; never rejects. */
  async run(): Promise<RunEnd> {
    const context = this.#context();
    let end: RunEnd;
    try {
      const result = (await this.#options.handler(context)) ?? {};
      const unsent = this.#progress.close();
      const statusDetails = result.statusDetails ?? unsent?.statusDetails;
      const status = result.status ?? 'SUCCEEDED';
      checkStatusUpdate(this.jobId, status, statusDetails, undefined);
      end = { kind: 'completed', status, statusDetails };
    } catch (error) {
      this.#progress.close();
      const reason = errorReason(error);
      end = { kind: 'completed', status: 'FAILED', statusDetails: failureDetails(reason, error), reason };
    }
    this.#watchdog.stop();
    // A handler that returned normally after a stop still finished its work: keep its result.
    if (this.#cause === 'canceled' || this.#cause === 'timed-out')
      return { kind: 'aborted', cause: this.#cause };
    if (this.#cause === 'stopping' && end.reason !== undefined) {
      return { kind: 'aborted', cause: 'stopping' };
    }
    return end;
  }

  #context(): JobContext<unknown> {
    const options = this.#options;
    return {
      execution: this.execution,
      jobId: this.jobId,
      executionNumber: this.executionNumber,
      operation: this.operation,
      document: options.document,
      signal: this.#controller.signal,
      resuming: options.resuming,
      checkpoint: options.checkpoint,
      progress: (statusDetails: StatusDetails, progressOptions: ProgressOptions = {}): void => {
        checkStatusUpdate(this.jobId, 'IN_PROGRESS', statusDetails, progressOptions.stepTimeoutInMinutes);
        if (this.aborted) return;
        this.#progress.push({ statusDetails, stepTimeoutInMinutes: progressOptions.stepTimeoutInMinutes });
      },
      saveCheckpoint: (checkpoint: Checkpoint): Promise<void> => {
        try {
          return options.saveCheckpoint(checkpointCopy(checkpoint));
        } catch (error) {
          return Promise.reject(error instanceof Error ? error : new Error(String(error)));
        }
      },
    };
  }
}
