import type { ExecutionTable } from '../cache/execution-table.js';
import type { JobExecution } from '../protocol/types.js';
import type { RunJournal } from './journal.js';
import { documentObject, operationOf } from './validate.js';

export interface CandidateFilter {
  readonly table: ExecutionTable;
  readonly journal: RunJournal;
  /** Job ids being prepared or run right now. */
  readonly active: ReadonlySet<string> | ReadonlyMap<string, unknown>;
  /** `jobId#executionNumber` keys not worth another look until handlers change. */
  readonly skipped: ReadonlySet<string>;
  /** Epoch ms before which a job id is not tried again (after a failed preparation). */
  readonly notBefore: ReadonlyMap<string, number>;
  readonly nowMs: number;
  readonly isManual: (jobId: string, executionNumber: number | undefined) => boolean;
}

export function skipKey(jobId: string, executionNumber: number | undefined): string {
  return `${jobId}#${String(executionNumber)}`;
}

/**
 * The executions the scheduler may prepare, in the order the service hands them out: unfinished
 * runs of this device first (interrupted ones must be settled before anything new starts), then
 * pending executions, IN_PROGRESS before QUEUED, by queue time. Left out: executions the table
 * doubts (unconfirmed), the application's own (manual), finished on this device, active, skipped
 * or waiting after a failure. Pure.
 */
export function candidates(filter: CandidateFilter): JobExecution[] {
  const { table, journal } = filter;
  const interrupted = journal
    .unfinished()
    .map((record): JobExecution => table.get(record.jobId) ?? { jobId: record.jobId, status: 'IN_PROGRESS' });
  const pending = table.listWhere((execution) => {
    const { jobId, executionNumber, status } = execution;
    if (status !== 'QUEUED' && status !== 'IN_PROGRESS') return false;
    if (table.isUnconfirmed(jobId) || filter.skipped.has(skipKey(jobId, executionNumber))) return false;
    if (filter.isManual(jobId, executionNumber)) return false;
    return journal.get(jobId, executionNumber)?.phase !== 'finished';
  });
  const seen = new Set<string>();
  return [...interrupted, ...pending].filter(({ jobId }) => {
    if (seen.has(jobId) || filter.active.has(jobId)) return false;
    seen.add(jobId);
    return (filter.notBefore.get(jobId) ?? 0) <= filter.nowMs;
  });
}

/** What decides whether an execution deserves a describe now. */
export interface Worth {
  readonly journal: RunJournal;
  readonly hasHandlers: boolean;
  readonly rejectsUnhandled: boolean;
  /** Whether a handler exists for `operation` and may start now; undefined when there is none. */
  readonly canStart: (operation: string | undefined) => boolean | undefined;
}

/**
 * Whether preparing an execution (a describe, perhaps a claim) can lead anywhere now. Unfinished
 * runs always can; otherwise only jobs a handler could take (or that `unhandledJobs: 'reject'`
 * would reject), so an agent without handlers sends nothing. `'never'`: not until handlers change.
 */
export function worthPreparing(execution: JobExecution, worth: Worth): 'yes' | 'later' | 'never' {
  if (worth.journal.unfinished(execution.jobId).length > 0) return 'yes';
  const document = documentObject(execution.jobDocument);
  if (document === undefined) return worth.hasHandlers || worth.rejectsUnhandled ? 'yes' : 'never';
  const canStart = worth.canStart(operationOf(document));
  if (canStart !== undefined) return canStart ? 'yes' : 'later';
  return worth.rejectsUnhandled && execution.status === 'QUEUED' ? 'yes' : 'never';
}
