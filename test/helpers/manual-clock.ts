import type { Cancel, Clock } from '../../src/clock.js';

interface Task {
  readonly dueAt: number;
  readonly seq: number;
  readonly run: () => void;
}

/**
 * A Clock whose time moves only when a test says so. `advance(ms)` runs due tasks in time order
 * (FIFO on ties), including tasks scheduled by those tasks while advancing.
 */
export class ManualClock implements Clock {
  #now: number;
  #seq = 0;
  #tasks: Task[] = [];

  constructor(startMs = 1_700_000_000_000) {
    this.#now = startMs;
  }

  now(): number {
    return this.#now;
  }

  schedule(delayMs: number, task: () => void): Cancel {
    const entry: Task = { dueAt: this.#now + Math.max(0, delayMs), seq: this.#seq++, run: task };
    this.#tasks.push(entry);
    return () => {
      this.#tasks = this.#tasks.filter((t) => t !== entry);
    };
  }

  /** Pending task count (for asserting that timers were cancelled). */
  get pending(): number {
    return this.#tasks.length;
  }

  /** Delays of the pending tasks from now, in schedule order. */
  pendingDelays(): number[] {
    return this.#tasks.map((t) => t.dueAt - this.#now);
  }

  /** Moves time forward by `ms`, running every task that falls due, in order. */
  advance(ms: number): void {
    const target = this.#now + ms;
    for (;;) {
      const next = this.#earliestDue(target);
      if (!next) break;
      this.#tasks = this.#tasks.filter((t) => t !== next);
      this.#now = next.dueAt;
      next.run();
    }
    this.#now = target;
  }

  /** Like advance, but lets promise callbacks settle between tasks. */
  async advanceAsync(ms: number): Promise<void> {
    const target = this.#now + ms;
    for (;;) {
      await flushMicrotasks();
      const next = this.#earliestDue(target);
      if (!next) break;
      this.#tasks = this.#tasks.filter((t) => t !== next);
      this.#now = next.dueAt;
      next.run();
    }
    this.#now = target;
    await flushMicrotasks();
  }

  #earliestDue(limit: number): Task | undefined {
    let best: Task | undefined;
    for (const task of this.#tasks) {
      if (task.dueAt > limit) continue;
      if (!best || task.dueAt < best.dueAt || (task.dueAt === best.dueAt && task.seq < best.seq)) best = task;
    }
    return best;
  }
}

/** Lets pending promise reactions run (a few turns of the microtask and macrotask queues). */
export async function flushMicrotasks(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}
