import {
  AbortedError,
  TransportError,
  describeError,
  isJobsAgentError,
  type JobsAgentError,
} from '../errors.js';
import type { JobExecution } from '../protocol/types.js';
import type { Preparation } from './claim.js';
import type { ProgressReport } from './progress.js';
import { runBase, type ReportingHost } from './reporting.js';
import { JobRun, type RunEnd } from './runner.js';
import type { Checkpoint } from './types.js';

/** What starting a run needs from the lifecycle (the scheduler's host provides it). */
export interface RunStartHost extends ReportingHost {
  readonly progressIntervalMs: number;
  /** Queues an IN_PROGRESS progress update; settles when delivered or dropped. */
  enqueueProgress(execution: JobExecution, report: ProgressReport): Promise<unknown>;
  /** Drops the undelivered updates of an execution that the service ended. */
  dropUndelivered(jobId: string, executionNumber: number | undefined): void;
}

/** The scheduler's part in a run's life. */
export interface RunStartHooks {
  /** The run takes its slot; called before the journal records it as running. */
  readonly started: (run: JobRun) => void;
  /** The watchdog timed the handler out (its updates are dropped and jobTimedOut emitted). */
  readonly timedOut: (run: JobRun) => void;
  /** The handler returned, or the run was aborted before its handler was called. */
  readonly ended: (run: JobRun, end: RunEnd) => void;
  /** The start could not be made durable: the handler never ran; the record is `claimed` again. */
  readonly notStarted: (run: JobRun, error: JobsAgentError) => void;
}

export type StartedRun = Extract<Preparation, { kind: 'run' }>;

/**
 * Starts a prepared run write-ahead: the journal records it as running and is persisted before
 * the handler is called, so after a crash the device knows the handler may have run (resumes it,
 * or reports it interrupted) and never runs it twice unknowingly. Progress, checkpoints and the
 * watchdog of the run are wired to the host here. `settled` resolves once the run is over (or
 * never started); which run may start, and when, is the scheduler's.
 */
export function startRun(
  host: RunStartHost,
  preparation: StartedRun,
  hooks: RunStartHooks,
): { readonly run: JobRun; readonly settled: Promise<void> } {
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
      host.emit('jobProgress', { ...runBase(run), ...report });
      return host.enqueueProgress(execution, report);
    },
    saveCheckpoint: (checkpoint: Checkpoint) => saveCheckpoint(host, run, checkpoint),
    onTimedOut: () => {
      host.dropUndelivered(run.jobId, run.executionNumber);
      host.emit('jobTimedOut', { ...runBase(run), detectedBy: 'watchdog' });
      hooks.timedOut(run);
    },
  });
  hooks.started(run);
  run.setStepTimeout(claimedAtMs, registered.stepTimeoutInMinutes);
  run.setHardDeadline(hardDeadlineMs);
  host.journal.enter('running', {
    jobId: run.jobId,
    executionNumber: run.executionNumber,
    operation: run.operation,
    startedAt: run.startedAtMs,
  });
  const settled = host.persist().then(
    async () => {
      const cause = run.abortCause;
      if (cause !== undefined) {
        hooks.ended(run, { kind: 'aborted', cause });
        return;
      }
      host.emit('jobStarted', { ...runBase(run), resuming, execution });
      hooks.ended(run, await run.run());
    },
    (error: unknown) => {
      // No durable record of the start: the handler must not run (exactly-once would be lost).
      // It never ran, so the record goes back to `claimed` for the retry.
      host.journal.enter('claimed', {
        jobId: run.jobId,
        executionNumber: run.executionNumber,
        operation: run.operation,
        startedAt: run.startedAtMs,
      });
      hooks.notStarted(run, isJobsAgentError(error) ? error : new TransportError(describeError(error)));
    },
  );
  return { run, settled };
}

async function saveCheckpoint(host: RunStartHost, run: JobRun, checkpoint: Checkpoint): Promise<void> {
  if (run.aborted) throw new AbortedError(`checkpoint of job ${run.jobId}`);
  host.journal.checkpoint(run.jobId, run.executionNumber, checkpoint);
  await host.persist();
}
