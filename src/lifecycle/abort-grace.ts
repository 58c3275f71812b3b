import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { RunSlots, SlotRun } from './run-slots.js';

/** What the grace period needs from the scheduler's host. */
export interface AbortGraceHost {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly abortGraceMs: number;
}

/**
 * How long an aborted handler may go on: it keeps its slot until it returns, or until
 * `abortGraceMs` ends and its slot is released (see RunSlots.release); stopping waits for the
 * handlers at most that long. Knows each started run's settling until it settles.
 */
export class AbortGrace<R extends SlotRun> {
  readonly #host: AbortGraceHost;
  readonly #slots: RunSlots<R>;
  readonly #freed: () => void;
  readonly #settled = new Map<R, Promise<void>>();

  /** `freed` is called when a run's slot is released at the end of its grace period. */
  constructor(host: AbortGraceHost, slots: RunSlots<R>, freed: () => void) {
    this.#host = host;
    this.#slots = slots;
    this.#freed = freed;
  }

  /** Keeps `run`'s settling until it settles, then calls `then`. */
  track(run: R, settled: Promise<void>, then: () => void): void {
    this.#settled.set(
      run,
      settled.finally(() => {
        this.#settled.delete(run);
        then();
      }),
    );
  }

  /** `run` was just aborted: its slot is released if it has not ended when the grace period ends. */
  begin(run: R): void {
    this.#host.clock.schedule(this.#host.abortGraceMs, () => {
      if (!this.#slots.release(run)) return;
      this.#host.logger.warn(
        { jobId: run.jobId },
        'an aborted handler did not return in time; its slot is freed',
      );
      this.#freed();
    });
  }

  /** Resolves once every run of `runs` settled, or when the grace period ends, whichever is first. */
  settle(runs: readonly R[]): Promise<unknown> {
    return Promise.race([
      Promise.all(runs.map((run) => this.#settled.get(run) ?? Promise.resolve())),
      new Promise<void>((resolve) => {
        this.#host.clock.schedule(this.#host.abortGraceMs, resolve);
      }),
    ]);
  }
}
