/** What a slot holder is to the bookkeeping: a JobRun, or anything with its job id and operation. */
export interface SlotRun {
  readonly jobId: string;
  readonly operation: string;
}

/**
 * Who holds the scheduler's slots, the agent's (`concurrency`) and each handler's own. A job id
 * holds an agent slot from the moment its preparation starts until its run ends. While it is
 * being prepared it may also reserve a slot of its handler, so two claims in flight cannot both
 * pass the handler's concurrency; a started run counts itself. A run whose handler ignored an
 * abort past the grace period is released: its slots count as free although it still runs.
 * Pure bookkeeping: no timers, no I/O.
 */
export class RunSlots<R extends SlotRun> {
  /** Job ids being prepared or run; the run once its handler is called. */
  readonly #active = new Map<string, R | undefined>();
  /** Runs whose handler ignored an abort past the grace period: their slot is free again. */
  readonly #released = new Set<R>();
  /** Job ids being prepared, with the operation whose handler slot they hold. */
  readonly #reserved = new Map<string, string>();

  /** Job ids being prepared or run, with their run once it started. */
  get active(): ReadonlyMap<string, R | undefined> {
    return this.#active;
  }

  /** The runs whose handler is executing now, released ones included. */
  runs(): R[] {
    return [...this.#active.values()].filter((run): run is R => run !== undefined);
  }

  /** The run of `jobId`, if its handler is executing. */
  runOf(jobId: string): R | undefined {
    return this.#active.get(jobId);
  }

  /** Agent slots in use: every job id being prepared or run, except released runs. */
  busy(): number {
    return (
      this.#active.size - [...this.#released].filter((run) => this.#active.get(run.jobId) === run).length
    );
  }

  /** The preparation of `jobId` starts: it takes an agent slot. */
  prepare(jobId: string): void {
    this.#active.set(jobId, undefined);
  }

  /** The handler of `run` is about to be called: the run holds its job id's slot. */
  start(run: R): void {
    this.#active.set(run.jobId, run);
  }

  /** `jobId` gives its agent slot back: its preparation led to no run, or the run never started. */
  free(jobId: string): void {
    this.#active.delete(jobId);
  }

  /** The preparation of `jobId` ended: its handler slot reservation, if any, goes. */
  unreserve(jobId: string): void {
    this.#reserved.delete(jobId);
  }

  /** `run` ended: it frees its slot, unless another run of the same job id holds it by now. */
  finish(run: R): void {
    if (this.#active.get(run.jobId) === run) this.#active.delete(run.jobId);
    this.#released.delete(run);
  }

  /**
   * `run` ignored its abort past the grace period: its slots count as free. False (and nothing
   * changes) when it no longer holds its job id's slot.
   */
  release(run: R): boolean {
    if (this.#active.get(run.jobId) !== run) return false;
    this.#released.add(run);
    return true;
  }

  /**
   * Whether a handler of `operation` with `concurrency` has a free slot. With `reserveFor`, a free
   * slot is taken for that job id until `unreserve`; its own earlier reservation does not count.
   */
  tryReserve(operation: string, concurrency: number, reserveFor?: string): boolean {
    const others = [...this.#reserved].filter(([jobId, op]) => op === operation && jobId !== reserveFor);
    const free = this.#runningOf(operation) + others.length < concurrency;
    if (free && reserveFor !== undefined) this.#reserved.set(reserveFor, operation);
    return free;
  }

  #runningOf(operation: string): number {
    return this.runs().filter((run) => run.operation === operation && !this.#released.has(run)).length;
  }
}
