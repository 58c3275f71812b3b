import type { Cancel, Clock } from '../clock.js';
import type { StatusDetails } from '../protocol/types.js';

/** One progress report: the statusDetails and, optionally, a new step timeout. */
export interface ProgressReport {
  readonly statusDetails: StatusDetails;
  readonly stepTimeoutInMinutes?: number | undefined;
}

export interface ProgressCoalescerOptions {
  readonly clock: Clock;
  /** Shortest time between the starts of two sends. */
  readonly minIntervalMs: number;
  /** Sends one report; the promise settles when it is delivered (or dropped). */
  readonly send: (report: ProgressReport) => Promise<unknown>;
}

/**
 * Keeps a chatty handler from getting the device throttled: at most one progress update is in
 * flight, sends are at least `minIntervalMs` apart, and reports made meanwhile collapse into the
 * latest one (the service replaces statusDetails on every update, so only the latest matters).
 * A step timeout asked for by a collapsed report is carried by the next one that is sent.
 */
export class ProgressCoalescer {
  readonly #options: ProgressCoalescerOptions;
  #pending: ProgressReport | undefined;
  #inFlight = false;
  #lastSentAtMs: number | undefined;
  #timer: Cancel | undefined;
  #closed = false;

  constructor(options: ProgressCoalescerOptions) {
    this.#options = options;
  }

  /** True while a report is being delivered. */
  get inFlight(): boolean {
    return this.#inFlight;
  }

  push(report: ProgressReport): void {
    if (this.#closed) return;
    const stepTimeoutInMinutes = report.stepTimeoutInMinutes ?? this.#pending?.stepTimeoutInMinutes;
    this.#pending = {
      statusDetails: report.statusDetails,
      ...(stepTimeoutInMinutes !== undefined ? { stepTimeoutInMinutes } : {}),
    };
    this.#pump();
  }

  /** Stops sending and returns the report that was never sent, if any. */
  close(): ProgressReport | undefined {
    this.#closed = true;
    this.#timer?.();
    this.#timer = undefined;
    const unsent = this.#pending;
    this.#pending = undefined;
    return unsent;
  }

  #pump(): void {
    if (this.#closed || this.#inFlight || this.#timer || !this.#pending) return;
    const { clock, minIntervalMs } = this.#options;
    const waitMs = this.#lastSentAtMs === undefined ? 0 : this.#lastSentAtMs + minIntervalMs - clock.now();
    if (waitMs > 0) {
      this.#timer = clock.schedule(waitMs, () => {
        this.#timer = undefined;
        this.#pump();
      });
      return;
    }
    const report = this.#pending;
    this.#pending = undefined;
    this.#inFlight = true;
    this.#lastSentAtMs = clock.now();
    this.#options
      .send(report)
      .catch(() => undefined)
      .finally(() => {
        this.#inFlight = false;
        this.#pump();
      });
  }
}
