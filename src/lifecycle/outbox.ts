import type { DeviceSettableStatus, StatusDetails } from '../protocol/types.js';

/** A status update waiting to be delivered. */
export interface OutboxEntry {
  /** Increasing: delivery order. */
  readonly id: number;
  readonly jobId: string;
  readonly executionNumber?: number;
  readonly status: DeviceSettableStatus;
  readonly statusDetails?: StatusDetails;
  readonly stepTimeoutInMinutes?: number;
  /** The version the update was decided on (the cache's, including earlier queued updates). */
  readonly expectedVersion?: number;
  /** Epoch ms. */
  readonly enqueuedAt: number;
}

export type NewOutboxEntry = Omit<OutboxEntry, 'id'>;

/**
 * The ordered queue of status updates not yet accepted by the service. Pure state: the lifecycle
 * persists it and a delivery loop sends its head. Updates are delivered strictly in the order
 * they were made, across jobs, so a terminal status can never overtake the progress before it.
 */
export class Outbox {
  #entries: OutboxEntry[];
  #nextId: number;

  constructor(entries: readonly OutboxEntry[] = []) {
    this.#entries = [];
    this.#nextId = 1;
    this.replace(entries);
  }

  /** Replaces every entry (the state loaded at start); new ids continue after the highest. */
  replace(entries: readonly OutboxEntry[]): void {
    this.#entries = [...entries].sort((a, b) => a.id - b.id);
    this.#nextId = Math.max(this.#nextId, (this.#entries.at(-1)?.id ?? 0) + 1);
  }

  get size(): number {
    return this.#entries.length;
  }

  add(entry: NewOutboxEntry): OutboxEntry {
    const added: OutboxEntry = { ...entry, id: this.#nextId++ };
    this.#entries.push(added);
    return added;
  }

  /** The next entry to deliver. */
  head(): OutboxEntry | undefined {
    return this.#entries[0];
  }

  has(id: number): boolean {
    return this.#entries.some((entry) => entry.id === id);
  }

  /** Removes one entry; false when it was not queued. */
  remove(id: number): boolean {
    const before = this.#entries.length;
    this.#entries = this.#entries.filter((entry) => entry.id !== id);
    return this.#entries.length !== before;
  }

  /**
   * Removes the entries of one execution (all of the job's when `executionNumber` is undefined),
   * except `keep` (an entry being sent right now cannot be recalled). Returns what was removed.
   */
  removeExecution(jobId: string, executionNumber: number | undefined, keep?: number): OutboxEntry[] {
    const removed: OutboxEntry[] = [];
    this.#entries = this.#entries.filter((entry) => {
      const matches =
        entry.jobId === jobId &&
        (executionNumber === undefined ||
          entry.executionNumber === undefined ||
          entry.executionNumber === executionNumber);
      if (!matches || entry.id === keep) return true;
      removed.push(entry);
      return false;
    });
    return removed;
  }

  /** Queued entries of a job, in order. */
  forJob(jobId: string): OutboxEntry[] {
    return this.#entries.filter((entry) => entry.jobId === jobId);
  }

  entries(): readonly OutboxEntry[] {
    return [...this.#entries];
  }
}
