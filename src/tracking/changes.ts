import type { MergeOutcome } from '../cache/merge.js';
import type { ExecutionTable, Ownership } from '../cache/execution-table.js';
import type { ExecutionSource } from '../events.js';
import type { JobExecution } from '../protocol/types.js';
import { isTerminalStatus } from '../protocol/types.js';

/** One real change to the table; the agent turns each into exactly one event. */
export type ExecutionChange =
  | { readonly kind: 'added'; readonly execution: JobExecution; readonly source: ExecutionSource }
  | {
      readonly kind: 'updated';
      readonly execution: JobExecution;
      readonly previous: JobExecution;
      readonly changedFields: readonly (keyof JobExecution)[];
      readonly source: ExecutionSource;
    }
  | { readonly kind: 'removed'; readonly execution: JobExecution };

/** What applying a message did, and which executions now need confirming by a describe. */
export interface ApplyResult {
  readonly changes: readonly ExecutionChange[];
  readonly toConfirm: readonly string[];
}

export function toChange(outcome: MergeOutcome, source: ExecutionSource): ExecutionChange | undefined {
  return outcome.changed ? changeOf(outcome, source) : undefined;
}

function changeOf(
  outcome: Extract<MergeOutcome, { changed: true }>,
  source: ExecutionSource,
): ExecutionChange {
  if (outcome.previous === undefined) return { kind: 'added', execution: outcome.value, source };
  return {
    kind: 'updated',
    execution: outcome.value,
    previous: outcome.previous,
    changedFields: outcome.changedFields,
    source,
  };
}

/** Merges observed executions through the table's one merge rule. */
export function applyObserved(
  table: ExecutionTable,
  executions: readonly JobExecution[],
  source: ExecutionSource,
  nowMs: number,
  ownership: Ownership = 'copy',
): ExecutionChange[] {
  const changes: ExecutionChange[] = [];
  for (const execution of executions) {
    const change = toChange(table.apply(execution, nowMs, ownership), source);
    if (change) changes.push(change);
  }
  return changes;
}

function isPending(execution: JobExecution): boolean {
  return !isTerminalStatus(execution.status);
}

/**
 * A `notify` message lists the thing's pending executions. One that is cached as pending but not
 * listed has probably finished or been deleted, but the list alone cannot say which (and notify
 * holds at most 10-15 entries), so it is marked for confirmation rather than changed.
 * The table adopts `listed` (see Ownership): the caller must not use it afterwards.
 */
export function applyNotifyList(
  table: ExecutionTable,
  listed: readonly JobExecution[],
  nowMs: number,
): ApplyResult {
  const { changed, unlisted } = table.applyListing(listed, nowMs);
  const changes: ExecutionChange[] = [];
  for (const outcome of changed) changes.push(changeOf(outcome, 'notify'));
  return { changes, toConfirm: unlisted };
}

/** AWS hands out IN_PROGRESS executions first, then QUEUED ones in the order they were queued. */
function ranksBefore(a: JobExecution, b: JobExecution): boolean {
  const aRunning = a.status === 'IN_PROGRESS';
  if (aRunning !== (b.status === 'IN_PROGRESS')) return aRunning;
  return (a.queuedAt ?? Number.POSITIVE_INFINITY) < (b.queuedAt ?? Number.POSITIVE_INFINITY);
}

/**
 * `notify-next` names the head of the pending queue (or, without `execution`, says the queue is
 * empty). Cached pending executions that would rank ahead of that head contradict the service and
 * are marked for confirmation. The table adopts `head` (see Ownership).
 */
export function applyNextNotification(
  table: ExecutionTable,
  head: JobExecution | null,
  nowMs: number,
): ApplyResult {
  const changes = head ? applyObserved(table, [head], 'notify-next', nowMs, 'adopt') : [];
  if (head) table.confirm(head.jobId);
  const current = head ? table.get(head.jobId) : undefined;
  // The usual case: the table already ranks the announced head first and doubts nothing.
  if (current !== undefined && !table.hasUnconfirmed && table.next() === current) {
    return { changes, toConfirm: [] };
  }
  const toConfirm: string[] = [];
  for (const execution of table.values()) {
    if (!isPending(execution) || execution.jobId === head?.jobId) continue;
    if (current === undefined || ranksBefore(execution, current)) {
      table.markUnconfirmed(execution.jobId);
      toConfirm.push(execution.jobId);
    }
  }
  return { changes, toConfirm };
}
