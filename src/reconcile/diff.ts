import type { ExecutionTable } from '../cache/execution-table.js';
import { mergeExecution } from '../cache/merge.js';
import type { JobExecution } from '../protocol/types.js';

/** What one complete listing changed in the table. */
export interface ListingChanges {
  /** Executions the table did not hold, in listing order. */
  readonly added: JobExecution[];
  /** Executions the listing changed, in listing order. */
  readonly updated: {
    readonly execution: JobExecution;
    readonly previous: JobExecution;
    readonly changedFields: readonly (keyof JobExecution)[];
  }[];
  /** Executions the listing no longer contains (deleted in the service), last known values. */
  readonly removed: JobExecution[];
}

/**
 * Applies one COMPLETE listing of the thing's executions (every page, no status filter) to the
 * table. Pure apart from the table it is handed: no I/O, no clock.
 *
 * - Every listed execution goes through the table's merge, so a listing that is older than a
 *   notification already applied never regresses it. Entries listed more than once (several
 *   executionNumbers of one job) are merged first and applied once.
 * - Listed jobIds are confirmed.
 * - A cached execution the listing lacks is removed, unless it changed at or after
 *   `listingStartedAtMs`: a notification that arrived while the listing was in flight is newer
 *   than the listing, which cannot speak about it. Such an entry waits for the next listing.
 *   ("At" counts as after: on a tie, keeping a deleted entry one more round is harmless, dropping
 *   a new one is not.)
 *
 * `nowMs` is the local clock time recorded as the changed entries' last change.
 */
export function applyListing(
  table: ExecutionTable,
  listing: readonly JobExecution[],
  listingStartedAtMs: number,
  nowMs: number,
): ListingChanges {
  const listed = mergeDuplicates(listing);
  const changes: ListingChanges = { added: [], updated: [], removed: [] };
  for (const execution of listed.values()) {
    const outcome = table.apply(execution, nowMs);
    table.confirm(execution.jobId);
    if (!outcome.changed) continue;
    if (outcome.previous === undefined) {
      changes.added.push(outcome.value);
    } else {
      const { value, previous, changedFields } = outcome;
      changes.updated.push({ execution: value, previous, changedFields });
    }
  }
  // apply() leaves every listed execution in the table, so a table no larger than the listing
  // holds nothing unlisted: the scan (a copy of the whole table) is skipped, as it is on almost
  // every reconcile.
  if (table.size > listed.size) removeUnlisted(table, listed, listingStartedAtMs, changes.removed);
  return changes;
}

/** The listing by jobId, in listing order; entries listed more than once merged into one. */
function mergeDuplicates(listing: readonly JobExecution[]): Map<string, JobExecution> {
  const listed = new Map<string, JobExecution>();
  for (const execution of listing) {
    // Duplicates are rare (a listing that shifted between pages); a unique entry goes in as it is,
    // since table.apply copies what it keeps.
    const seen = listed.get(execution.jobId);
    listed.set(execution.jobId, seen ? mergeExecution(seen, execution).value : execution);
  }
  return listed;
}

/** Removes cached executions the listing lacks, unless they changed while it was in flight. */
function removeUnlisted(
  table: ExecutionTable,
  listed: ReadonlyMap<string, JobExecution>,
  listingStartedAtMs: number,
  removed: JobExecution[],
): void {
  // A copy: entries are removed while scanning.
  for (const cached of [...table.values()]) {
    if (listed.has(cached.jobId)) continue;
    const changedAtMs = table.lastChangedAt(cached.jobId);
    if (changedAtMs !== undefined && changedAtMs >= listingStartedAtMs) continue;
    const gone = table.remove(cached.jobId);
    if (gone) removed.push(gone);
  }
}
