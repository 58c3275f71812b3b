import type { JobExecution } from '../protocol/types.js';
import { isRepeat, type MergeOutcome, type TrackedExecution } from './merge.js';

/** One execution as the ExecutionTable holds it, with what the table remembers about it. */
export class Entry {
  /** The value (deeply frozen) and where each of its fields came from. */
  readonly tracked: TrackedExecution;
  /** Local clock ms of the last change; undefined for entries loaded at construction. */
  readonly changedAtMs: number | undefined;
  /** What apply() returns for a repeat of this state: made on the first repeat, then reused. */
  #unchanged: MergeOutcome | undefined;
  /** Whether offering the held value itself is a repeat (see repeatedBy): asked once, then kept. */
  #repeatsItself: boolean | undefined;
  /** The last listing (see applyListing) that named this execution; 0 for none. */
  listing: number;
  /** Replaced or removed: no longer the table's entry for its job (see ExecutionTable.held). */
  retired = false;

  constructor(tracked: TrackedExecution, changedAtMs: number | undefined, listing = 0) {
    this.tracked = tracked;
    this.changedAtMs = changedAtMs;
    this.listing = listing;
  }

  get unchanged(): MergeOutcome {
    this.#unchanged ??= { changed: false, value: this.tracked.value };
    return this.#unchanged;
  }

  /**
   * Whether `incoming` repeats this entry's state (see isRepeat). A decoder hands back the held
   * value itself for a notify entry that repeats it (most entries of most notifications); the
   * answer for that value never changes, since an entry is replaced whole when its state does.
   */
  repeatedBy(incoming: JobExecution): boolean {
    if (incoming !== this.tracked.value) return isRepeat(this.tracked, incoming);
    this.#repeatsItself ??= isRepeat(this.tracked, incoming);
    return this.#repeatsItself;
  }
}
