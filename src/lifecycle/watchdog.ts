import type { Cancel, Clock } from '../clock.js';

/**
 * The local step watchdog of one running execution. The service moves an execution to TIMED_OUT
 * when its step timer (or the job's in-progress timer) runs out; the watchdog fires at the same
 * deadline on the device so the handler is aborted in time instead of hanging on. The step
 * deadline moves when an IN_PROGRESS update with a new step timeout is accepted; the in-progress
 * deadline never moves. It fires once, at the earlier of the two.
 */
export class StepWatchdog {
  readonly #clock: Clock;
  readonly #onExpire: (deadlineMs: number) => void;
  #stepDeadlineMs: number | undefined;
  #hardDeadlineMs: number | undefined;
  #cancel: Cancel | undefined;
  #done = false;
  #fired = false;

  constructor(clock: Clock, onExpire: (deadlineMs: number) => void) {
    this.#clock = clock;
    this.#onExpire = onExpire;
  }

  /** The epoch ms at which it fires, if armed. */
  get deadlineMs(): number | undefined {
    const step = this.#stepDeadlineMs;
    const hard = this.#hardDeadlineMs;
    if (step === undefined) return hard;
    if (hard === undefined) return step;
    return Math.min(step, hard);
  }

  /** True once it has fired. */
  get fired(): boolean {
    return this.#fired;
  }

  /** Sets (or clears) the step timer's deadline: `minutes` from `startedAtMs`. */
  setStep(startedAtMs: number, minutes: number | undefined): void {
    this.#stepDeadlineMs = minutes === undefined ? undefined : startedAtMs + minutes * 60_000;
    this.#arm();
  }

  /** Sets the deadline that progress cannot extend (the job's in-progress timeout). */
  setHard(deadlineMs: number | undefined): void {
    this.#hardDeadlineMs = deadlineMs;
    this.#arm();
  }

  stop(): void {
    this.#done = true;
    this.#cancel?.();
    this.#cancel = undefined;
  }

  #arm(): void {
    if (this.#done) return;
    this.#cancel?.();
    this.#cancel = undefined;
    const deadline = this.deadlineMs;
    if (deadline === undefined) return;
    this.#cancel = this.#clock.schedule(deadline - this.#clock.now(), () => {
      this.#cancel = undefined;
      this.#done = true;
      this.#fired = true;
      this.#onExpire(deadline);
    });
  }
}
