import type { ExecutionTable } from '../cache/execution-table.js';
import type { Cancel, Clock } from '../clock.js';
import {
  AbortedError,
  ClosedError,
  describeError,
  isJobsAgentError,
  type JobsAgentError,
} from '../errors.js';
import type { JobsAgentEvents, JobLifecycleEventName } from '../events.js';
import type { Logger } from '../logger.js';
import type { JobExecution, StatusDetails } from '../protocol/types.js';
import { isTerminalStatus } from '../protocol/types.js';
import { TransportError } from '../errors.js';
import { prepareRun, type ClaimContext, type Preparation, type RegisteredHandler } from './claim.js';
import type { RunJournal } from './journal.js';
import { failureDetails } from './outcome.js';
import type { ProgressReport } from './progress.js';
import { JobRun, type RunEnd } from './runner.js';
import type { Checkpoint } from './types.js';
import { documentObject, operationOf } from './validate.js';

export type LifecycleEventPayload<E extends JobLifecycleEventName> = Omit<JobsAgentEvents[E][0], 'at'>;

/** What the scheduler needs from the lifecycle that owns it. */
export interface SchedulerHost {
  readonly table: ExecutionTable;
  readonly journal: RunJournal;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly concurrency: number;
  readonly progressIntervalMs: number;
  readonly abortGraceMs: number;
  readonly claim: Omit<ClaimContext, 'canStart' | 'persist' | 'handlerFor' | 'journal'>;
  handlerFor(operation: string | undefined): RegisteredHandler | undefined;
  hasHandlers(): boolean;
  isReady(): boolean;
  /** Executions the application drives itself (startNext, update): never the scheduler's. */
  isManual(jobId: string, executionNumber: number | undefined): boolean;
  persist(): Promise<void>;
  /** Queues a terminal status (already journaled as finished) for delivery. */
  enqueueTerminal(
    execution: JobExecution,
    status: 'SUCCEEDED' | 'FAILED' | 'REJECTED',
    details?: StatusDetails,
  ): void;
  /** Queues an IN_PROGRESS progress update; settles when delivered or dropped. */
  enqueueProgress(execution: JobExecution, report: ProgressReport): Promise<unknown>;
  /** Drops the undelivered updates of an execution that the service ended. */
  dropUndelivered(jobId: string, executionNumber: number | undefined): void;
  emit<E extends JobLifecycleEventName>(event: E, payload: LifecycleEventPayload<E>): void;
  error(error: JobsAgentError): void;
}

/** Wait before looking at an execution again after its preparation failed (e.g. offline). */
const RETRY_AFTER_FAILURE_MS = 5_000;

/**
 * Chooses which executions to run and runs them: in the service's queue order (IN_PROGRESS
 * first, then by queue time), at most `concurrency` at once and at most each handler's own
 * concurrency per operation. One job id is never prepared or run twice at the same time, and the
 * journal (see claim.ts) keeps it from running twice at all.
 */
export class JobScheduler {
  readonly #host: SchedulerHost;
  /** Job ids being prepared or run; the run once its handler is called. */
  readonly #active = new Map<string, JobRun | undefined>();
  /** Runs whose handler ignored an abort past the grace period: their slot is free again. */
  readonly #released = new Set<JobRun>();
  readonly #skipped = new Set<string>();
  readonly #notBefore = new Map<string, number>();
  #retryTimer: Cancel | undefined;
  #queued = false;
  #stopped = false;

  constructor(host: SchedulerHost) {
    this.#host = host;
  }

  /** The runs whose handler is executing now. */
  runs(): JobRun[] {
    return [...this.#active.values()].filter((run): run is JobRun => run !== undefined);
  }

  /** Handlers changed: executions skipped for lack of one are worth another look. */
  handlersChanged(): void {
    this.#skipped.clear();
    this.schedule();
  }

  /** Looks for work on the next microtask (many triggers in one turn make one pass). */
  schedule(): void {
    if (this.#queued || this.#stopped) return;
    this.#queued = true;
    queueMicrotask(() => {
      this.#queued = false;
      this.#pass();
    });
  }

  /** The run of `jobId`, if its handler is executing. */
  runOf(jobId: string): JobRun | undefined {
    return this.#active.get(jobId);
  }

  /** Aborts every run (cause `stopping`) and waits for their handlers, at most `abortGraceMs`. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#retryTimer?.();
    const runs = this.runs();
    for (const run of runs) run.abort('stopping', new ClosedError('the agent is stopping'));
    await Promise.race([
      Promise.all(runs.map((run) => this.#settled.get(run) ?? Promise.resolve())),
      new Promise<void>((resolve) => {
        this.#host.clock.schedule(this.#host.abortGraceMs, resolve);
      }),
    ]);
  }

  readonly #settled = new Map<JobRun, Promise<void>>();

  #pass(): void {
    const host = this.#host;
    if (this.#stopped || !host.isReady()) return;
    for (const execution of this.#candidates()) {
      if (this.#busySlots() >= host.concurrency) return;
      if (!this.#worthPreparing(execution)) continue;
      this.#active.set(execution.jobId, undefined);
      void this.#take(execution.jobId);
    }
  }

  /**
   * Whether an execution needs a describe now. Unfinished runs always do; otherwise only jobs
   * a handler could take (or reject) now, so an agent without handlers sends nothing.
   */
  #worthPreparing(execution: JobExecution): boolean {
    const host = this.#host;
    const { jobId, executionNumber } = execution;
    if (host.journal.unfinished(jobId).length > 0) return true;
    const rejects = host.claim.unhandledJobs === 'reject';
    const document = documentObject(execution.jobDocument);
    if (document === undefined) return host.hasHandlers() || rejects;
    const registered = host.handlerFor(operationOf(document));
    if (registered) return this.#runningOf(registered.operation) < registered.concurrency;
    if (rejects && execution.status === 'QUEUED') return true;
    this.#skipped.add(`${jobId}#${String(executionNumber)}`);
    return false;
  }

  /** Pending executions worth preparing, in queue order; interrupted runs first. */
  #candidates(): JobExecution[] {
    const { table, journal, clock } = this.#host;
    const now = clock.now();
    const interrupted = journal
      .unfinished()
      .map((record) => table.get(record.jobId) ?? { jobId: record.jobId, status: 'IN_PROGRESS' });
    const pending = table.list().filter((execution) => {
      if (execution.status !== 'QUEUED' && execution.status !== 'IN_PROGRESS') return false;
      if (table.isUnconfirmed(execution.jobId)) return false;
      const key = `${execution.jobId}#${String(execution.executionNumber)}`;
      if (this.#skipped.has(key)) return false;
      if (this.#host.isManual(execution.jobId, execution.executionNumber)) return false;
      return journal.get(execution.jobId, execution.executionNumber)?.phase !== 'finished';
    });
    const seen = new Set<string>();
    return [...interrupted, ...pending].filter((execution) => {
      if (seen.has(execution.jobId) || this.#active.has(execution.jobId)) return false;
      seen.add(execution.jobId);
      return (this.#notBefore.get(execution.jobId) ?? 0) <= now;
    });
  }

  #busySlots(): number {
    return (
      this.#active.size - [...this.#released].filter((run) => this.#active.get(run.jobId) === run).length
    );
  }

  #runningOf(operation: string): number {
    return this.runs().filter((run) => run.operation === operation && !this.#released.has(run)).length;
  }

  async #take(jobId: string): Promise<void> {
    const host = this.#host;
    let preparation: Preparation;
    try {
      preparation = await prepareRun(jobId, {
        ...host.claim,
        journal: host.journal,
        handlerFor: (operation) => host.handlerFor(operation),
        canStart: (operation) => {
          const registered = host.handlerFor(operation);
          return registered !== undefined && this.#runningOf(operation) < registered.concurrency;
        },
        persist: () => host.persist(),
      });
    } catch (error) {
      this.#active.delete(jobId);
      this.#retryLater(jobId);
      if (!(error instanceof TransportError) && !(isJobsAgentError(error) && error.code === 'ERR_TIMEOUT')) {
        host.error(
          isJobsAgentError(error) ? error : new TransportError(describeError(error), { cause: error }),
        );
      }
      return;
    }
    if (preparation.kind !== 'run' || this.#stopped) this.#active.delete(jobId);
    this.#act(jobId, preparation);
    this.schedule();
  }

  #act(jobId: string, preparation: Preparation): void {
    const host = this.#host;
    const now = host.clock.now();
    switch (preparation.kind) {
      case 'skip':
        if (preparation.remember) {
          const execution = host.table.get(jobId);
          this.#skipped.add(`${jobId}#${String(execution?.executionNumber)}`);
        }
        return;
      case 'gone': {
        const { record, deleted } = preparation;
        const current = host.table.get(jobId);
        const timedOut = current?.status === 'TIMED_OUT';
        host.journal.finish(
          jobId,
          record.executionNumber,
          timedOut ? 'timed-out' : 'canceled',
          now,
          record.operation,
        );
        void host.persist().catch(() => undefined);
        if (record.phase !== 'running') return; // the handler never ran: nothing to report
        const base = { jobId, executionNumber: record.executionNumber, operation: record.operation };
        if (timedOut) host.emit('jobTimedOut', { ...base, detectedBy: 'service' });
        else {
          const status = current && isTerminalStatus(current.status) ? current.status : undefined;
          host.emit('jobCanceled', { ...base, status, deleted });
        }
        return;
      }
      case 'refuse': {
        const { execution, status, reason, operation, interrupted } = preparation;
        host.journal.finish(
          jobId,
          execution.executionNumber,
          status === 'REJECTED' ? 'rejected' : 'failed',
          now,
          operation,
        );
        const details = failureDetails(reason);
        host.enqueueTerminal(execution, status, details);
        const base = { jobId, executionNumber: execution.executionNumber, operation };
        if (status === 'REJECTED') host.emit('jobRejected', { ...base, reason });
        else host.emit('jobFailed', { ...base, statusDetails: details, reason, interrupted });
        return;
      }
      case 'run':
        if (this.#stopped) return;
        this.#start(preparation);
        return;
    }
  }

  #start(preparation: Extract<Preparation, { kind: 'run' }>): void {
    const host = this.#host;
    const { registered, claimedAtMs, hardDeadlineMs, resuming } = preparation;
    const execution = host.table.get(preparation.execution.jobId) ?? preparation.execution;
    const run: JobRun = new JobRun({
      execution,
      operation: registered.operation,
      document: preparation.document,
      handler: registered.handler,
      resuming,
      checkpoint: preparation.checkpoint,
      clock: host.clock,
      progressIntervalMs: host.progressIntervalMs,
      sendProgress: (report) => {
        host.emit('jobProgress', { ...this.#base(run), ...report });
        return host.enqueueProgress(execution, report);
      },
      saveCheckpoint: (checkpoint: Checkpoint) => this.#saveCheckpoint(run, checkpoint),
      onTimedOut: () => {
        host.dropUndelivered(run.jobId, run.executionNumber);
        host.emit('jobTimedOut', { ...this.#base(run), detectedBy: 'watchdog' });
        this.#graceFor(run);
      },
    });
    this.#active.set(run.jobId, run);
    run.setStepTimeout(claimedAtMs, registered.stepTimeoutInMinutes);
    run.setHardDeadline(hardDeadlineMs);
    host.journal.enter('running', {
      jobId: run.jobId,
      executionNumber: run.executionNumber,
      operation: run.operation,
      startedAt: run.startedAtMs,
    });
    const settled = host
      .persist()
      .then(
        async () => {
          const cause = run.abortCause;
          if (cause !== undefined) {
            this.#finish(run, { kind: 'aborted', cause });
            return;
          }
          host.emit('jobStarted', { ...this.#base(run), resuming, execution });
          this.#finish(run, await run.run());
        },
        (error: unknown) => {
          // No durable record of the start: the handler must not run (exactly-once would be lost).
          this.#active.delete(run.jobId);
          this.#retryLater(run.jobId);
          host.error(isJobsAgentError(error) ? error : new TransportError(describeError(error)));
        },
      )
      .finally(() => {
        this.#settled.delete(run);
        this.schedule();
      });
    this.#settled.set(run, settled);
  }

  /** The service ended the execution: abort the handler; no status will be sent for it. */
  cancel(run: JobRun, status: string | undefined, deleted: boolean): void {
    if (run.aborted) return;
    const timedOut = status === 'TIMED_OUT';
    run.abort(
      timedOut ? 'timed-out' : 'canceled',
      new AbortedError(`job ${run.jobId} (${status ?? 'deleted'})`),
    );
    this.#host.dropUndelivered(run.jobId, run.executionNumber);
    if (timedOut) this.#host.emit('jobTimedOut', { ...this.#base(run), detectedBy: 'service' });
    else this.#host.emit('jobCanceled', { ...this.#base(run), status, deleted });
    this.#graceFor(run);
  }

  #finish(run: JobRun, end: RunEnd): void {
    const host = this.#host;
    if (this.#active.get(run.jobId) === run) this.#active.delete(run.jobId);
    this.#released.delete(run);
    const now = host.clock.now();
    if (end.kind === 'aborted') {
      if (end.cause === 'stopping') return; // stays `running`: resumed (or reported) on the next start
      host.journal.finish(run.jobId, run.executionNumber, end.cause, now, run.operation);
      void host.persist().catch(() => undefined);
      return;
    }
    const outcome =
      end.status === 'SUCCEEDED' ? 'succeeded' : end.status === 'FAILED' ? 'failed' : 'rejected';
    host.journal.finish(run.jobId, run.executionNumber, outcome, now, run.operation);
    host.enqueueTerminal(run.execution, end.status, end.statusDetails);
    const base = { ...this.#base(run), durationMs: now - run.startedAtMs };
    if (end.status === 'SUCCEEDED') host.emit('jobSucceeded', { ...base, statusDetails: end.statusDetails });
    else if (end.status === 'REJECTED')
      host.emit('jobRejected', {
        ...base,
        reason: end.statusDetails?.['reason'] ?? 'rejected by the handler',
      });
    else
      host.emit('jobFailed', {
        ...base,
        statusDetails: end.statusDetails ?? {},
        reason: end.reason,
        interrupted: false,
      });
  }

  async #saveCheckpoint(run: JobRun, checkpoint: Checkpoint): Promise<void> {
    if (run.aborted) throw new AbortedError(`checkpoint of job ${run.jobId}`);
    this.#host.journal.checkpoint(run.jobId, run.executionNumber, checkpoint);
    await this.#host.persist();
  }

  /** An aborted handler keeps its slot until it returns, or until the grace period ends. */
  #graceFor(run: JobRun): void {
    this.#host.clock.schedule(this.#host.abortGraceMs, () => {
      if (this.#active.get(run.jobId) !== run) return;
      this.#released.add(run);
      this.#host.logger.warn(
        { jobId: run.jobId },
        'an aborted handler did not return in time; its slot is freed',
      );
      this.schedule();
    });
  }

  #retryLater(jobId: string): void {
    const at = this.#host.clock.now() + RETRY_AFTER_FAILURE_MS;
    this.#notBefore.set(jobId, at);
    this.#retryTimer?.();
    this.#retryTimer = this.#host.clock.schedule(RETRY_AFTER_FAILURE_MS, () => {
      this.#retryTimer = undefined;
      this.schedule();
    });
  }

  #base(run: JobRun): { jobId: string; executionNumber: number | undefined; operation: string } {
    return { jobId: run.jobId, executionNumber: run.executionNumber, operation: run.operation };
  }
}
