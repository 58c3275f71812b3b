import type { ExecutionTable } from '../cache/execution-table.js';
import type { Clock } from '../clock.js';
import type { JobLifecycleEventName, JobsAgentEvents } from '../events.js';
import { isTerminalStatus, type JobExecution, type StatusDetails } from '../protocol/types.js';
import type { Preparation } from './claim.js';
import type { RunJournal, RunOutcome } from './journal.js';
import { failureDetails } from './outcome.js';
import type { JobRun, RunEnd } from './runner.js';

export type LifecycleEventPayload<E extends JobLifecycleEventName> = Omit<JobsAgentEvents[E][0], 'at'>;

/** What recording and reporting the end of an execution needs. */
export interface ReportingHost {
  readonly table: ExecutionTable;
  readonly journal: RunJournal;
  readonly clock: Clock;
  persist(): Promise<void>;
  /** Queues a terminal status (already journaled as finished) for delivery. */
  enqueueTerminal(
    execution: JobExecution,
    status: 'SUCCEEDED' | 'FAILED' | 'REJECTED',
    details?: StatusDetails,
  ): void;
  emit<E extends JobLifecycleEventName>(event: E, payload: LifecycleEventPayload<E>): void;
}

/**
 * How each way an execution ends on the device is recorded and reported. The journal entry and
 * the terminal status are made together, so the one save that follows stores both: after a
 * crash the device either has neither (and resumes or reports the run) or both (and delivers).
 */

/** An unfinished run whose execution ended while the device was away. */
export function reportGone(
  host: ReportingHost,
  jobId: string,
  { record, deleted }: Extract<Preparation, { kind: 'gone' }>,
): void {
  const current = host.table.get(jobId);
  const timedOut = current?.status === 'TIMED_OUT';
  const outcome: RunOutcome = timedOut ? 'timed-out' : 'canceled';
  host.journal.finish(jobId, record.executionNumber, outcome, host.clock.now(), record.operation);
  void host.persist().catch(() => undefined);
  if (record.phase !== 'running') return; // the handler never ran: nothing to report
  const base = { jobId, executionNumber: record.executionNumber, operation: record.operation };
  if (timedOut) {
    host.emit('jobTimedOut', { ...base, detectedBy: 'service' });
    return;
  }
  const status = current && isTerminalStatus(current.status) ? current.status : undefined;
  host.emit('jobCanceled', { ...base, status, deleted });
}

/** An execution finished without its handler: invalid document, no handler, interrupted. */
export function reportRefusal(
  host: ReportingHost,
  jobId: string,
  { execution, status, reason, operation, interrupted }: Extract<Preparation, { kind: 'refuse' }>,
): void {
  const outcome: RunOutcome = status === 'REJECTED' ? 'rejected' : 'failed';
  host.journal.finish(jobId, execution.executionNumber, outcome, host.clock.now(), operation);
  const details = failureDetails(reason);
  host.enqueueTerminal(execution, status, details);
  const base = { jobId, executionNumber: execution.executionNumber, operation };
  if (status === 'REJECTED') host.emit('jobRejected', { ...base, reason });
  else host.emit('jobFailed', { ...base, statusDetails: details, reason, interrupted });
}

/** A handler returned, threw, or was aborted. */
export function reportRunEnd(host: ReportingHost, run: JobRun, end: RunEnd): void {
  const now = host.clock.now();
  if (end.kind === 'aborted') {
    if (end.cause === 'stopping') return; // stays `running`: resumed (or reported) on the next start
    host.journal.finish(run.jobId, run.executionNumber, end.cause, now, run.operation);
    void host.persist().catch(() => undefined);
    return;
  }
  const outcome: RunOutcome =
    end.status === 'SUCCEEDED' ? 'succeeded' : end.status === 'FAILED' ? 'failed' : 'rejected';
  host.journal.finish(run.jobId, run.executionNumber, outcome, now, run.operation);
  host.enqueueTerminal(run.execution, end.status, end.statusDetails);
  const base = { ...runBase(run), durationMs: now - run.startedAtMs };
  if (end.status === 'SUCCEEDED') {
    host.emit('jobSucceeded', { ...base, statusDetails: end.statusDetails });
  } else if (end.status === 'REJECTED') {
    host.emit('jobRejected', { ...base, reason: end.statusDetails?.['reason'] ?? 'rejected by the handler' });
  } else {
    host.emit('jobFailed', {
      ...base,
      statusDetails: end.statusDetails ?? {},
      reason: end.reason,
      interrupted: false,
    });
  }
}

/** The fields every lifecycle event of a run carries. */
export function runBase(run: JobRun): {
  jobId: string;
  executionNumber: number | undefined;
  operation: string;
} {
  return { jobId: run.jobId, executionNumber: run.executionNumber, operation: run.operation };
}
