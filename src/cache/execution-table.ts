import { isTerminalStatus, type JobExecution } from '../protocol/types.js';
import { mergeTracked, trackedFrom, type MergeOutcome } from './merge.js';
import { deepFreeze, own, ownCopy, type Ownership } from './owned.js';
import { Entry } from './table-entry.js';

export type { Ownership } from './owned.js';

type ChangedOutcome = Extract<MergeOutcome, { changed: true }>;

/** What applyListing did. */
export interface ListingResult {
  /** The outcomes that changed an entry, in list order. */
  readonly changed: readonly ChangedOutcome[];
  /** The cached pending executions the list left out, now marked unconfirmed, in the order first seen. */
  readonly unlisted: readonly string[];
}

/** Shared: a list usually names every cached execution. */
const NOTHING_UNLISTED: readonly string[] = Object.freeze([]);

/**
 * The thing's executions as the agent knows them while it runs: one entry per jobId, changed
 * only through `mergeExecution`. Values handed out are deeply frozen copies, so no caller can
 * change the table's state behind its back.
 *
 * Entries can be marked unconfirmed: a `notify` list that no longer names a pending execution
 * does not prove it is gone (it may have finished, or been deleted), so the agent marks it and
 * settles it with a describe or the next complete listing instead of deleting it.
 */
export class ExecutionTable {
  readonly #entries = new Map<string, Entry>();
  readonly #unconfirmed = new Set<string>();
  /**
   * The head's job id (null: no head), kept between calls: the agent asks after every message,
   * and most messages change no execution's place in the queue. Undefined: to be found again.
   */
  #headId: string | null | undefined;
  /** Counts applyListing calls: each stamps the entries it names with its own number. */
  #listings = 0;
  /** The entries the last listing named, in its order (see held). */
  readonly #lastListed: (Entry | undefined)[] = [];

  /** Starts from `initial` (e.g. a loaded cache snapshot); duplicates of a jobId are merged. */
  constructor(initial: readonly JobExecution[] = []) {
    for (const execution of initial) {
      const existing = this.#entries.get(execution.jobId);
      // A stored value mixes observations, but their sources are not stored: each counts as one.
      const tracked = existing
        ? mergeTracked(existing.tracked, ownCopy(execution)).tracked
        : trackedFrom(ownCopy(execution));
      if (existing) existing.retired = true;
      this.#entries.set(execution.jobId, new Entry(deepFreeze(tracked), undefined));
    }
  }

  /** Number of executions, terminal ones included. */
  get size(): number {
    return this.#entries.size;
  }

  get(jobId: string): JobExecution | undefined {
    return this.#entries.get(jobId)?.tracked.value;
  }

  /**
   * get(), looking first at `position` of the last listing: a notify lists the same executions in
   * the same order, message after message, so a decoder that asks for each entry with its
   * position in the list (see KnownExecutions) finds most of them without a lookup by id.
   */
  held(jobId: string, position: number): JobExecution | undefined {
    const guess = this.#lastListed[position];
    if (guess !== undefined && !guess.retired && guess.tracked.value.jobId === jobId) {
      return guess.tracked.value;
    }
    return this.get(jobId);
  }

  /** Every execution in no particular order: for scans that do not need list()'s sort. */
  *values(): IterableIterator<JobExecution> {
    for (const entry of this.#entries.values()) yield entry.tracked.value;
  }

  /** Every execution: IN_PROGRESS first, then by queuedAt (unknown last), then in the order first seen. */
  list(): readonly JobExecution[] {
    return this.listWhere(() => true);
  }

  /** list() restricted to the executions `include` accepts: filtered first, so only they are sorted. */
  listWhere(include: (execution: JobExecution) => boolean): readonly JobExecution[] {
    const executions: JobExecution[] = [];
    for (const entry of this.#entries.values()) {
      if (include(entry.tracked.value)) executions.push(entry.tracked.value);
    }
    return Object.freeze(executions.sort(compareListOrder));
  }

  /**
   * Merges one observation into the table (see mergeExecution) and, when that changed the entry,
   * records `observedAtMs` (local clock) as its last change. The outcome's values are frozen.
   */
  apply(incoming: JobExecution, observedAtMs: number, ownership: Ownership = 'copy'): MergeOutcome {
    const current = this.#entries.get(incoming.jobId);
    // Most entries of a notify repeat what is held: answered without merging or allocating.
    if (current?.repeatedBy(incoming)) return current.unchanged;
    return this.#merge(current, incoming, observedAtMs, ownership, current?.listing ?? 0);
  }

  /**
   * Takes a complete list of the pending executions (a notify), which the table adopts (see
   * Ownership): applies each listed observation as apply() does and confirms it, then marks every
   * cached pending execution the list leaves out as unconfirmed. One pass, and usually no lookup
   * by id (see held): the listed entries are stamped instead of collected in a set of ids, and
   * nothing is scanned when every cached execution is listed, which is the usual case.
   */
  applyListing(listed: readonly JobExecution[], observedAtMs: number): ListingResult {
    const listing = ++this.#listings;
    const changed: ChangedOutcome[] = [];
    let named = 0;
    let position = 0;
    for (const incoming of listed) {
      let current = this.#listedEntry(incoming, position);
      if (current?.listing !== listing) named++;
      if (current?.repeatedBy(incoming)) {
        current.listing = listing;
      } else {
        const outcome = this.#merge(current, incoming, observedAtMs, 'adopt', listing);
        if (outcome.changed) changed.push(outcome);
        current = this.#entries.get(incoming.jobId); // the entry the merge stored
      }
      this.#lastListed[position++] = current;
      this.confirm(incoming.jobId);
    }
    this.#lastListed.length = position;
    const unlisted = named === this.#entries.size ? NOTHING_UNLISTED : this.#markUnlisted(listing);
    return { changed, unlisted };
  }

  /**
   * The entry for a listed observation: the one at its position in the last listing when the
   * decoder recognised it there (see held), else looked up by id. An entry not retired is the
   * one the table holds for its job.
   */
  #listedEntry(incoming: JobExecution, position: number): Entry | undefined {
    const guess = this.#lastListed[position];
    if (guess !== undefined && !guess.retired && guess.tracked.value === incoming) return guess;
    return this.#entries.get(incoming.jobId);
  }

  /**
   * Merges `incoming` into `current` and stores the result, stamped with `listing` (the last
   * listing that named the execution).
   */
  #merge(
    current: Entry | undefined,
    incoming: JobExecution,
    observedAtMs: number,
    ownership: Ownership,
    listing: number,
  ): MergeOutcome {
    // The merge copies the top level and keeps held nested values it was offered again; only
    // new nested values (statusDetails, jobDocument) are still the caller's, and own() copies
    // just those. Copying every observation whole (structuredClone) and re-freezing it was most
    // of the cost of a notification.
    const { outcome, tracked } = mergeTracked(current?.tracked, incoming);
    if (tracked === current?.tracked) {
      current.listing = listing; // a repeat: nothing to store
      return outcome;
    }
    own(tracked.value, ownership);
    // Even an unchanged value can get newer sources (the same statusDetails seen in a newer state).
    const changedAtMs = outcome.changed ? observedAtMs : current?.changedAtMs;
    if (current) current.retired = true;
    this.#entries.set(incoming.jobId, new Entry(tracked, changedAtMs, listing));
    if (outcome.changed && movesInQueue(outcome)) this.#headId = undefined;
    return outcome;
  }

  /** Marks the cached pending executions `listing` did not name; returns them, in the order first seen. */
  #markUnlisted(listing: number): string[] {
    const unlisted: string[] = [];
    for (const [jobId, entry] of this.#entries) {
      if (entry.listing === listing || isTerminalStatus(entry.tracked.value.status)) continue;
      this.markUnconfirmed(jobId);
      unlisted.push(jobId);
    }
    return unlisted;
  }

  /** Deletes the entry and its confirmation mark; returns the last known value. */
  remove(jobId: string): JobExecution | undefined {
    const entry = this.#entries.get(jobId);
    this.#entries.delete(jobId);
    this.#unconfirmed.delete(jobId);
    if (entry !== undefined) {
      entry.retired = true;
      this.#headId = undefined;
    }
    return entry?.tracked.value;
  }

  /** Local clock ms of the entry's last change through `apply`; undefined if none (or unknown). */
  lastChangedAt(jobId: string): number | undefined {
    return this.#entries.get(jobId)?.changedAtMs;
  }

  /** Marks a cached execution as possibly gone. Returns false (and does nothing) if not cached. */
  markUnconfirmed(jobId: string): boolean {
    if (!this.#entries.has(jobId)) return false;
    if (!this.#unconfirmed.has(jobId)) this.#headId = undefined;
    this.#unconfirmed.add(jobId);
    return true;
  }

  /** Clears the mark; returns whether the execution was unconfirmed. */
  confirm(jobId: string): boolean {
    if (this.#unconfirmed.size === 0) return false; // the usual case, asked for every listed entry
    const wasUnconfirmed = this.#unconfirmed.delete(jobId);
    if (wasUnconfirmed) this.#headId = undefined;
    return wasUnconfirmed;
  }

  /** Whether any execution is marked unconfirmed. */
  get hasUnconfirmed(): boolean {
    return this.#unconfirmed.size > 0;
  }

  isUnconfirmed(jobId: string): boolean {
    return this.#unconfirmed.has(jobId);
  }

  /** The unconfirmed jobIds, sorted. */
  unconfirmed(): string[] {
    return [...this.#unconfirmed].sort(compareStrings);
  }

  /**
   * The head of the pending queue as AWS orders it: IN_PROGRESS first, then QUEUED by queuedAt.
   * Terminal executions never qualify, and neither do unconfirmed ones: the service's own
   * notifications no longer count them as pending.
   */
  next(): JobExecution | undefined {
    this.#headId ??= this.#findHead()?.jobId ?? null;
    return this.#headId === null ? undefined : this.get(this.#headId);
  }

  #findHead(): JobExecution | undefined {
    let head: JobExecution | undefined;
    for (const [jobId, { tracked }] of this.#entries) {
      const execution = tracked.value;
      if (execution.status !== 'IN_PROGRESS' && execution.status !== 'QUEUED') continue;
      if (this.#unconfirmed.has(jobId)) continue;
      if (head === undefined || compareListOrder(execution, head) < 0) head = execution;
    }
    return head;
  }
}

/**
 * Whether a change can move an execution in the queue order (and so change the head): a new
 * execution, or a new status or queue time. The order's last tie-break, the order first seen,
 * never changes for an execution already held.
 */
function movesInQueue(outcome: ChangedOutcome): boolean {
  if (outcome.previous === undefined) return true;
  return outcome.changedFields.includes('status') || outcome.changedFields.includes('queuedAt');
}

function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

function compareListOrder(a: JobExecution, b: JobExecution): number {
  const aRunning = a.status === 'IN_PROGRESS' ? 0 : 1;
  const bRunning = b.status === 'IN_PROGRESS' ? 0 : 1;
  if (aRunning !== bRunning) return aRunning - bRunning;
  const aQueued = a.queuedAt ?? Number.POSITIVE_INFINITY;
  const bQueued = b.queuedAt ?? Number.POSITIVE_INFINITY;
  if (aQueued !== bQueued) return aQueued < bQueued ? -1 : 1;
  // queuedAt has whole seconds, so ties are common. AWS breaks them by creation order; the
  // nearest the agent knows is the order it first saw the executions in, which the Map keeps
  // (callers iterate it in that order and sort stably).
  return 0;
}
