import type { Cancel, Clock } from '../clock.js';
import { computeBackoff, type BackoffPolicy } from './backoff.js';
import type { ConnectResult } from './transport.js';

export interface ReconnectLoopOptions {
  /** Opens the connection; must be safe to call again when already connected (JobsTransport.connect is). */
  readonly connect: () => Promise<ConnectResult>;
  readonly clock: Clock;
  /** [0, 1), for the backoff jitter. */
  readonly random: () => number;
  readonly policy: BackoffPolicy;
  /**
   * Runs after each successful connect, before the attempt counts as a success: the place to
   * resubscribe when `sessionPresent` is false. If it throws or rejects, the attempt failed and
   * is retried with backoff like a refused connect.
   */
  readonly onConnected: (result: ConnectResult) => void | Promise<void>;
  /** Reports a failed attempt (1-based) and the delay before the next one. Must not throw. */
  readonly onAttemptFailed: (error: unknown, attempt: number, nextDelayMs: number) => void;
}

export type ReconnectState = 'idle' | 'connecting' | 'connected' | 'waiting' | 'stopped';

/**
 * The agent's own reconnect loop (mqtt.js runs with `reconnectPeriod: 0`): capped exponential
 * backoff with full jitter, timed on the injected Clock so tests drive it by hand.
 *
 * start() makes the first attempt at once; disconnected() schedules one. The n-th wait since the
 * last success (or start) lasts computeBackoff(n): after a start, failures wait b(1), b(2), …;
 * after a lost connection the first attempt waits b(1), then b(2), …. A success resets the count.
 * At most one attempt is in flight; stop() cancels the pending timer and ignores the outcome of
 * an attempt in flight.
 */
export class ReconnectLoop {
  readonly #options: ReconnectLoopOptions;
  #state: ReconnectState = 'idle';
  /** Failed attempts since the last success (or start). */
  #failures = 0;
  /** Backoff waits since the last success (or start): the n-th wait lasts computeBackoff(n). */
  #waits = 0;
  #cancelTimer: Cancel | undefined;
  /** Bumped by stop(): outcomes of attempts started in an earlier generation are ignored. */
  #generation = 0;
  /** disconnected() arrived while an attempt was in flight. */
  #lostDuringAttempt = false;

  constructor(options: ReconnectLoopOptions) {
    this.#options = options;
  }

  get state(): ReconnectState {
    return this.#state;
  }

  /** Failed attempts since the last successful one. */
  get failedAttempts(): number {
    return this.#failures;
  }

  /** Starts connecting now. No-op unless idle or stopped. */
  start(): void {
    if (this.#state !== 'idle' && this.#state !== 'stopped') return;
    this.#failures = 0;
    this.#waits = 0;
    void this.#attempt();
  }

  /**
   * The owner lost its connection: schedules the next attempt with backoff. Also valid from
   * idle, for an owner that made its first connection itself (to fail its own start() fast) and
   * hands over to the loop only for reconnects. Ignored while waiting or stopped.
   */
  disconnected(): void {
    if (this.#state === 'connecting') {
      this.#lostDuringAttempt = true;
      return;
    }
    if (this.#state !== 'connected' && this.#state !== 'idle') return;
    this.#failures = 0;
    this.#waits = 0;
    this.#scheduleAfterBackoff();
  }

  /** Cancels the pending attempt; no attempt starts after this (until start() again). */
  stop(): void {
    this.#generation++;
    this.#cancelTimer?.();
    this.#cancelTimer = undefined;
    this.#lostDuringAttempt = false;
    this.#state = 'stopped';
  }

  async #attempt(): Promise<void> {
    const generation = this.#generation;
    this.#cancelTimer = undefined;
    this.#state = 'connecting';
    this.#lostDuringAttempt = false;
    try {
      const result = await this.#options.connect();
      if (generation !== this.#generation) return;
      await this.#options.onConnected(result);
      if (generation !== this.#generation) return;
    } catch (error) {
      if (generation !== this.#generation) return;
      this.#failures++;
      const delayMs = this.#scheduleAfterBackoff();
      try {
        this.#options.onAttemptFailed(error, this.#failures, delayMs);
      } catch {
        // A reporting callback must not break the loop.
      }
      return;
    }
    this.#failures = 0;
    this.#waits = 0;
    this.#state = 'connected';
    if (this.#takeLostDuringAttempt()) this.disconnected();
  }

  // A method, not an inline read: the flag changes across the awaits above.
  #takeLostDuringAttempt(): boolean {
    const lost = this.#lostDuringAttempt;
    this.#lostDuringAttempt = false;
    return lost;
  }

  #scheduleAfterBackoff(): number {
    const { policy, random, clock } = this.#options;
    this.#waits++;
    const delayMs = computeBackoff(this.#waits, policy, random);
    this.#state = 'waiting';
    this.#cancelTimer = clock.schedule(delayMs, () => {
      void this.#attempt();
    });
    return delayMs;
  }
}
