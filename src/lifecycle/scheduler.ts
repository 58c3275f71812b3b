import { AbortedError, ClosedError, type JobsAgentError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { JobExecution } from '../protocol/types.js';
import { AbortGrace } from './abort-grace.js';
import { candidates, worthPreparing } from './candidates.js';
import { prepareRun, type ClaimContext, type Preparation, type RegisteredHandler } from './claim.js';
import { reportGone, reportRefusal, reportRunEnd, runBase } from './reporting.js';
import { Revisits, reportableFailure } from './revisits.js';
import { startRun, type RunStartHost, type StartedRun } from './run-start.js';
import { RunSlots } from './run-slots.js';
import type { JobRun, RunEnd } from './runner.js';

/** What the scheduler needs from the lifecycle that owns it. */
export interface SchedulerHost extends RunStartHost {
  readonly logger: Logger;
  readonly concurrency: number;
  readonly abortGraceMs: number;
  readonly claim: Omit<ClaimContext, 'canStart' | 'persist' | 'handlerFor' | 'journal'>;
  handlerFor(operation: string | undefined): RegisteredHandler | undefined;
  hasHandlers(): boolean;
  isReady(): boolean;
  /** Executions the application drives itself (startNext, update): never the scheduler's. */
  isManual(jobId: string, executionNumber: number | undefined): boolean;
  error(error: JobsAgentError): void;
}

/**
 * Chooses which executions to run and starts them (startRun, run-start.ts): in the service's queue order (IN_PROGRESS
 * first, then by queue time), at most `concurrency` at once and at most each handler's own
 * concurrency per operation. One job id is never prepared or run twice at the same time, and the
 * journal (see claim.ts) keeps it from running twice at all. Who holds which slot is RunSlots';
 * which executions wait for a handler change or after a failure is Revisits'; how long an
 * aborted handler keeps its slot is AbortGrace's.
 */
export class JobScheduler {
  readonly #host: SchedulerHost;
  readonly #slots = new RunSlots<JobRun>();
  readonly #revisits: Revisits;
  readonly #grace: AbortGrace<JobRun>;
  #queued = false;
  #stopped = false;

  constructor(host: SchedulerHost) {
    this.#host = host;
    const schedule = (): void => {
      this.schedule();
    };
    this.#revisits = new Revisits(host.clock, schedule);
    this.#grace = new AbortGrace(host, this.#slots, schedule);
  }

  /** The runs whose handler is executing now. */
  runs(): JobRun[] {
    return this.#slots.runs();
  }

  /** Handlers changed: executions skipped for lack of one are worth another look. */
  handlersChanged(): void {
    this.#revisits.forgetSkips();
    this.schedule();
  }

  /** Looks for work on the next microtask (many triggers in one turn make one pass). */
  schedule(): void {
    if (this.#queued || this.#stopped || !this.#mayPrepareAnything()) return;
    this.#queued = true;
    queueMicrotask(() => {
      this.#queued = false;
      this.#pass();
    });
  }

  /** The run of `jobId`, if its handler is executing. */
  runOf(jobId: string): JobRun | undefined {
    return this.#slots.runOf(jobId);
  }

  /** Aborts every run (cause `stopping`) and waits for their handlers, at most `abortGraceMs`. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#revisits.stop();
    const runs = this.runs();
    for (const run of runs) run.abort('stopping', new ClosedError('the agent is stopping'));
    await this.#grace.settle(runs);
  }

  #pass(): void {
    const host = this.#host;
    if (this.#stopped || !host.isReady() || !this.#mayPrepareAnything()) return;
    for (const execution of this.#candidates()) {
      if (this.#slots.busy() >= host.concurrency) return;
      if (!this.#worthPreparing(execution)) continue;
      this.#slots.prepare(execution.jobId);
      void this.#take(execution.jobId);
    }
  }

  /**
   * Without handlers, `unhandledJobs: 'reject'` or an unfinished run, no execution is worth
   * preparing (see worthPreparing), so the pass is skipped: a plain tracking agent pays nothing
   * here per notification.
   */
  #mayPrepareAnything(): boolean {
    const host = this.#host;
    return host.hasHandlers() || host.claim.unhandledJobs === 'reject' || host.journal.hasUnfinished();
  }

  #candidates(): JobExecution[] {
    const host = this.#host;
    return candidates({
      table: host.table,
      journal: host.journal,
      active: this.#slots.active,
      skipped: this.#revisits.skipped,
      notBefore: this.#revisits.notBefore,
      nowMs: host.clock.now(),
      isManual: (jobId, executionNumber) => host.isManual(jobId, executionNumber),
    });
  }

  #worthPreparing(execution: JobExecution): boolean {
    const host = this.#host;
    const verdict = worthPreparing(execution, {
      journal: host.journal,
      hasHandlers: host.hasHandlers(),
      rejectsUnhandled: host.claim.unhandledJobs === 'reject',
      canStart: (operation) => this.#canStart(operation),
    });
    if (verdict === 'never') this.#revisits.skip(execution.jobId, execution.executionNumber);
    return verdict === 'yes';
  }

  /**
   * Whether `operation` has a handler with a free slot (undefined without a handler). With
   * `reserveFor`, a free slot is taken for that job id until its preparation ends, so two claims
   * in flight cannot both pass the handler's concurrency.
   */
  #canStart(operation: string | undefined, reserveFor?: string): boolean | undefined {
    const registered = this.#host.handlerFor(operation);
    if (!registered) return undefined;
    return this.#slots.tryReserve(registered.operation, registered.concurrency, reserveFor);
  }

  async #take(jobId: string): Promise<void> {
    const host = this.#host;
    let preparation: Preparation;
    try {
      preparation = await prepareRun(jobId, {
        ...host.claim,
        journal: host.journal,
        handlerFor: (operation) => host.handlerFor(operation),
        canStart: (operation) => this.#canStart(operation, jobId) === true,
        persist: () => host.persist(),
      });
    } catch (error) {
      this.#slots.unreserve(jobId);
      this.#slots.free(jobId);
      this.#revisits.retryLater(jobId);
      const reportable = reportableFailure(error);
      if (reportable) host.error(reportable);
      return;
    }
    if (preparation.kind !== 'run' || this.#stopped) this.#slots.free(jobId);
    this.#act(jobId, preparation);
    this.#slots.unreserve(jobId); // a started run now counts itself
    this.schedule();
  }

  #act(jobId: string, preparation: Preparation): void {
    const host = this.#host;
    switch (preparation.kind) {
      case 'skip':
        if (preparation.remember) this.#revisits.skip(jobId, host.table.get(jobId)?.executionNumber);
        return;
      case 'gone':
        reportGone(host, jobId, preparation);
        return;
      case 'refuse':
        reportRefusal(host, jobId, preparation);
        return;
      case 'run':
        if (this.#stopped) return;
        this.#start(preparation);
        return;
    }
  }

  #start(preparation: StartedRun): void {
    const host = this.#host;
    const { run, settled } = startRun(host, preparation, {
      started: (started) => {
        this.#slots.start(started);
      },
      timedOut: (timedOut) => {
        this.#grace.begin(timedOut);
      },
      ended: (ended, end) => {
        this.#finish(ended, end);
      },
      notStarted: (failed, error) => {
        this.#slots.free(failed.jobId);
        this.#revisits.retryLater(failed.jobId);
        host.error(error);
      },
    });
    this.#grace.track(run, settled, () => {
      this.schedule();
    });
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
    if (timedOut) this.#host.emit('jobTimedOut', { ...runBase(run), detectedBy: 'service' });
    else this.#host.emit('jobCanceled', { ...runBase(run), status, deleted });
    this.#grace.begin(run);
  }

  #finish(run: JobRun, end: RunEnd): void {
    const host = this.#host;
    this.#slots.finish(run);
    reportRunEnd(host, run, end);
  }
}
