import { isTerminalStatus, type JobExecution } from '../protocol/types.js';

/**
 * How recent one observation of an execution is against another: the ordering half of the merge
 * rule (merge.ts holds the field half). Pure.
 */

export type Sign = -1 | 0 | 1;

function sign(difference: number): Sign {
  if (difference > 0) return 1;
  if (difference < 0) return -1;
  return 0;
}

/** Compares a field both sides carry; 0 when either lacks it. */
export function compareShared(a: number | undefined, b: number | undefined): Sign {
  return a === undefined || b === undefined ? 0 : sign(a - b);
}

/**
 * How far along its life an execution is. Within one execution the status only moves forward:
 * QUEUED → IN_PROGRESS → a terminal status (a device cannot set QUEUED, and a retry is a new
 * executionNumber). Unknown (future) statuses have no rank and are never ordered by status.
 */
function statusRank(status: string): number | undefined {
  if (status === 'QUEUED') return 0;
  if (status === 'IN_PROGRESS') return 1;
  if (isTerminalStatus(status)) return 2;
  return undefined;
}

/**
 * Where one observation stands against another: `same` when every ordering field both carry is
 * equal (they describe the same state), `unordered` when nothing tells them apart or the
 * ordering fields contradict each other.
 */
export type Recency = 'newer' | 'older' | 'same' | 'unordered';

function fromSign(order: Sign): Recency {
  return order > 0 ? 'newer' : 'older';
}

export function recencyOf(a: RecencyKey, b: RecencyKey): Recency {
  const byExecution = compareShared(a.executionNumber, b.executionNumber);
  if (byExecution !== 0) return fromSign(byExecution);

  const byStatus = compareShared(statusRank(a.status), statusRank(b.status));
  if (byStatus !== 0) return fromSign(byStatus);

  const sharesVersion = a.versionNumber !== undefined && b.versionNumber !== undefined;
  const sharesUpdate = a.lastUpdatedAt !== undefined && b.lastUpdatedAt !== undefined;
  if (!sharesVersion && !sharesUpdate) return 'unordered';
  const byVersion = compareShared(a.versionNumber, b.versionNumber);
  const byUpdate = compareShared(a.lastUpdatedAt, b.lastUpdatedAt);
  if (byVersion !== 0 && byUpdate !== 0 && byVersion !== byUpdate) return 'unordered';
  const order = byVersion !== 0 ? byVersion : byUpdate;
  return order === 0 ? 'same' : fromSign(order);
}

/**
 * Orders two observations of the same job by recency: 1 when `a` is newer than `b`, -1 when it
 * is older, 0 when neither is (the same state, or nothing tells them apart). Sorting ascending
 * with it puts the oldest first.
 *
 * 1. Different executionNumbers (both present): the higher one is newer. This comes before
 *    versionNumber on purpose: versionNumber counts the updates of one execution, so it says
 *    nothing across a re-run; a re-run's fresh QUEUED state (versionNumber 1) must beat the
 *    previous run's last state (say versionNumber 7, FAILED). It also comes before the terminal
 *    rule, or a finished run would hide the re-run that follows it forever.
 * 2. Status progress within one execution: a terminal status is newer than a non-terminal one
 *    (a terminal execution is never reopened by stale data), and IN_PROGRESS is newer than
 *    QUEUED (the service never moves an execution back to QUEUED).
 * 3. versionNumber, when both carry it (HTTP listings do not).
 * 4. lastUpdatedAt, when both carry it.
 * 5. Otherwise equal.
 *
 * For two real observations, versionNumber and lastUpdatedAt never disagree (both grow with every
 * change). They can disagree for a value merged from several observations (a loaded snapshot, a
 * value given to mergeExecution): lastUpdatedAt from a newer HTTP listing, versionNumber filled
 * in from an older describe. Such a value already holds something newer than the other side, so
 * neither wins (0).
 */
export function compareRecency(a: JobExecution, b: JobExecution): Sign {
  const recency = recencyOf(a, b);
  if (recency === 'newer') return 1;
  if (recency === 'older') return -1;
  return 0;
}

/** The ordering fields of one observation: what tells how recent it is. */
export type RecencyKey = Pick<JobExecution, 'status' | 'executionNumber' | 'versionNumber' | 'lastUpdatedAt'>;

export function sameKey(a: RecencyKey, b: RecencyKey): boolean {
  return (
    a.status === b.status &&
    a.executionNumber === b.executionNumber &&
    a.versionNumber === b.versionNumber &&
    a.lastUpdatedAt === b.lastUpdatedAt
  );
}

export function supersedes(incoming: RecencyKey, source: RecencyKey): boolean {
  const recency = recencyOf(incoming, source);
  return recency === 'newer' || recency === 'same';
}

export function recencyKey(execution: JobExecution): RecencyKey {
  const { status, executionNumber, versionNumber, lastUpdatedAt } = execution;
  const key: { -readonly [K in keyof RecencyKey]: RecencyKey[K] } = { status };
  if (executionNumber !== undefined) key.executionNumber = executionNumber;
  if (versionNumber !== undefined) key.versionNumber = versionNumber;
  if (lastUpdatedAt !== undefined) key.lastUpdatedAt = lastUpdatedAt;
  return key;
}
