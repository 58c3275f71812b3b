import type { ExecutionTable } from '../cache/execution-table.js';
import { isDeepEqual } from '../cache/merge.js';
import type { JobExecution } from '../protocol/types.js';
import { toChange, type ExecutionChange } from '../tracking/changes.js';
import type { Clock } from '../clock.js';
import { RejectedError, type JobsAgentError } from '../errors.js';
import { rejectedState, stateAsExecution } from '../requests/status-updater.js';
import type { NewOutboxEntry, OutboxEntry } from './outbox.js';

/**
 * Optimistic local state for queued status updates.
 *
 * The cache shows an update at once, before the service accepts it, as an observation merged
 * through the one merge rule. AWS IoT Jobs bumps `versionNumber` by exactly one per accepted
 * update, so the prediction carries the version the update will produce: the current one plus
 * one. Queued updates of one execution chain (each is predicted from the one before), and when
 * they are accepted the service's real state is the same state (same version) and simply
 * confirms the prediction. A terminal prediction also outranks any non-terminal observation
 * that was in flight, so stale notifications cannot make a finished job look pending again.
 *
 * A prediction the service refuses (the job was cancelled or timed out meanwhile) can carry a
 * version the service never reached, which the merge would rank above the truth; `correct`
 * replaces such predictions with the service's word.
 */

/** The execution as it will be once `entry` is accepted (its version is one past the one it expects). */
export function predictedExecution(current: JobExecution | undefined, entry: NewOutboxEntry): JobExecution {
  const executionNumber = entry.executionNumber ?? current?.executionNumber;
  const version = entry.expectedVersion;
  return {
    jobId: entry.jobId,
    status: entry.status,
    ...(executionNumber !== undefined ? { executionNumber } : {}),
    ...(version !== undefined ? { versionNumber: version + 1 } : {}),
    ...(entry.statusDetails !== undefined ? { statusDetails: entry.statusDetails } : {}),
  };
}

/** Merges a prediction into the table; the change (source `local`) when it changed anything. */
export function applyPrediction(
  table: ExecutionTable,
  entry: NewOutboxEntry,
  nowMs: number,
): ExecutionChange | undefined {
  const prediction = predictedExecution(table.get(entry.jobId), entry);
  return toChange(table.apply(prediction, nowMs), 'local');
}

/**
 * Overwrites what the table holds for one execution with the service's `truth` (the fields it
 * carries; the others are kept). Only for undoing refused predictions: every other observation
 * goes through the merge. A truth about another execution number is merged as usual.
 */
export function correct(
  table: ExecutionTable,
  truth: JobExecution,
  nowMs: number,
): ExecutionChange | undefined {
  const current = table.get(truth.jobId);
  const sameExecution =
    current !== undefined &&
    (truth.executionNumber === undefined ||
      current.executionNumber === undefined ||
      truth.executionNumber === current.executionNumber);
  if (!sameExecution) return toChange(table.apply(truth, nowMs), 'update');
  const corrected: JobExecution = { ...current, ...truth };
  const changedFields = changedFieldsOf(current, corrected);
  if (changedFields.length === 0) return undefined;
  table.remove(truth.jobId);
  const outcome = table.apply(corrected, nowMs);
  return { kind: 'updated', execution: outcome.value, previous: current, changedFields, source: 'update' };
}

/**
 * Undoes the predictions of an update the service refused for good, with the service's word:
 * the `executionState` the rejection carried, else a fresh describe. ResourceNotFound means the
 * execution is gone. Returns the changes to publish.
 */
export async function undoRefused(
  table: ExecutionTable,
  entry: OutboxEntry,
  error: JobsAgentError,
  describe: (jobId: string) => Promise<JobExecution | null>,
  clock: Clock,
): Promise<ExecutionChange[]> {
  const state = error instanceof RejectedError ? rejectedState(error) : undefined;
  let truth: JobExecution | null | undefined =
    state && stateAsExecution(entry.jobId, entry.executionNumber, state);
  if (!truth && error instanceof RejectedError && error.rejectedCode === 'ResourceNotFound') {
    const removed = table.remove(entry.jobId);
    return removed ? [{ kind: 'removed', execution: removed }] : [];
  }
  truth ??= await describe(entry.jobId);
  const change = truth ? correct(table, truth, clock.now()) : undefined;
  return change ? [change] : [];
}

function changedFieldsOf(a: JobExecution, b: JobExecution): (keyof JobExecution)[] {
  const fields = new Set([...Object.keys(a), ...Object.keys(b)] as (keyof JobExecution)[]);
  return [...fields].filter((field) => !isDeepEqual(a[field], b[field]));
}
