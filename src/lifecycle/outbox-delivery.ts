import { sleep, type Clock } from '../clock.js';
import {
  ClosedError,
  RejectedError,
  describeError,
  isJobsAgentError,
  type JobsAgentError,
} from '../errors.js';
import type { Logger } from '../logger.js';
import type { JobsClient } from '../requests/jobs-client.js';
import type { RetryPolicy } from '../requests/retry.js';
import { sendStatusUpdate, type StatusUpdate, type StatusUpdateResult } from '../requests/status-updater.js';
import { computeBackoff } from '../transport/backoff.js';
import type { Outbox, OutboxEntry } from './outbox.js';

export interface OutboxDeliveryOptions {
  readonly outbox: Outbox;
  readonly client: JobsClient;
  readonly clock: Clock;
  readonly random: () => number;
  /** Backoff between attempts; throttling is retried for as long as it lasts. */
  readonly retry: RetryPolicy;
  /** Connected and subscribed: requests can be made. */
  readonly isReady: () => boolean;
  /** Stores the outbox after an entry left it. */
  readonly persist: () => void;
  /** The service accepted `entry`; `sentAtMs` is when its delivery began. */
  readonly onDelivered: (entry: OutboxEntry, result: StatusUpdateResult, sentAtMs: number) => void;
  /** The service refused `entry` for good (the entry is already out of the outbox). */
  readonly onRefused: (entry: OutboxEntry, error: JobsAgentError) => void;
  readonly logger: Logger;
}

interface Waiter {
  readonly resolve: (result: StatusUpdateResult) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Sends the outbox's head until the outbox is empty, one update at a time, in order. A lost
 * connection or a lost reply (timeout) keeps the entry at the head: it is sent again after a
 * backoff, or when `kick()` reports the connection is back. Only a final rejection takes an
 * entry out undelivered. Each entry's caller can wait for its outcome with `waitFor`.
 */
export class OutboxDelivery {
  readonly #options: OutboxDeliveryOptions;
  readonly #waiters = new Map<number, Waiter[]>();
  /** The version each job reached with its last delivered update, for the next one's expectedVersion. */
  readonly #reached = new Map<string, number>();
  readonly #abort = new AbortController();
  #running: Promise<void> | undefined;
  #inFlight: number | undefined;
  #stopped = false;

  constructor(options: OutboxDeliveryOptions) {
    this.#options = options;
  }

  /** The id of the entry being sent right now (it can no longer be recalled). */
  get inFlight(): number | undefined {
    return this.#inFlight;
  }

  /** Resolves when `id` is accepted; rejects when it is refused, dropped, or the agent stops. */
  waitFor(id: number): Promise<StatusUpdateResult> {
    return new Promise((resolve, reject) => {
      const list = this.#waiters.get(id) ?? [];
      list.push({ resolve, reject });
      this.#waiters.set(id, list);
    });
  }

  /** Rejects the waiters of entries removed without delivery. */
  dropped(entries: readonly OutboxEntry[], error: JobsAgentError): void {
    for (const entry of entries) this.#settle(entry.id, (waiter) => waiter.reject(error));
  }

  /** Starts sending if there is something to send and a connection to send it on. */
  kick(): void {
    if (this.#stopped || this.#running || !this.#options.isReady() || !this.#options.outbox.head()) return;
    this.#running = this.#run().finally(() => {
      this.#running = undefined;
    });
  }

  /** Waits until the outbox is empty, the connection is gone, or `timeoutMs` passed. True when empty. */
  async drain(timeoutMs: number): Promise<boolean> {
    const deadline = this.#options.clock.now() + timeoutMs;
    while (this.#options.outbox.size > 0 && this.#running && this.#options.clock.now() < deadline) {
      const timeout = sleep(this.#options.clock, Math.max(0, deadline - this.#options.clock.now()));
      await Promise.race([this.#running, timeout]);
    }
    return this.#options.outbox.size === 0;
  }

  /** Stops sending; waiters reject with ClosedError (their entries stay queued in the state file). */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#abort.abort(new ClosedError('the agent stopped'));
    await this.#running;
    const error = new ClosedError('the agent stopped before the update was delivered; it stays queued');
    for (const id of [...this.#waiters.keys()]) this.#settle(id, (waiter) => waiter.reject(error));
  }

  async #run(): Promise<void> {
    const { outbox, clock, random, retry, isReady } = this.#options;
    let failures = 0;
    for (;;) {
      const entry = outbox.head();
      if (this.#stopped || !entry || !isReady()) return;
      this.#inFlight = entry.id;
      const sentAtMs = clock.now();
      try {
        const result = await sendStatusUpdate(this.#options.client, this.#toUpdate(entry), {
          retry: { ...retry, maxAttempts: Number.POSITIVE_INFINITY },
          signal: this.#abort.signal,
        });
        failures = 0;
        this.#leave(entry, result.state?.versionNumber);
        this.#options.onDelivered(entry, result, sentAtMs);
        this.#settle(entry.id, (waiter) => waiter.resolve(result));
      } catch (error) {
        if (this.#isStopped()) return;
        if (error instanceof RejectedError || (isJobsAgentError(error) && error.code === 'ERR_CONFIG')) {
          this.#leave(entry, undefined);
          this.#options.onRefused(entry, error);
          this.#settle(entry.id, (waiter) => waiter.reject(error));
          continue;
        }
        // Lost connection or lost reply: the entry stays first in line.
        failures += 1;
        this.#options.logger.debug(
          { jobId: entry.jobId, err: describeError(error), failures },
          'status update not delivered yet',
        );
        if (!isReady()) return;
        await sleep(clock, computeBackoff(failures, retry, random), this.#abort.signal).catch(
          () => undefined,
        );
      } finally {
        this.#inFlight = undefined;
      }
    }
  }

  /** A method, not the field: the field's narrowing would not survive the await above. */
  #isStopped(): boolean {
    return this.#stopped;
  }

  #toUpdate(entry: OutboxEntry): StatusUpdate {
    return {
      jobId: entry.jobId,
      executionNumber: entry.executionNumber,
      status: entry.status,
      statusDetails: entry.statusDetails,
      stepTimeoutInMinutes: entry.stepTimeoutInMinutes,
      expectedVersion: this.#reached.get(entry.jobId) ?? entry.expectedVersion,
    };
  }

  /** Takes a settled entry out and remembers (or forgets) the version its job reached. */
  #leave(entry: OutboxEntry, reachedVersion: number | undefined): void {
    this.#options.outbox.remove(entry.id);
    if (reachedVersion !== undefined) this.#reached.set(entry.jobId, reachedVersion);
    if (reachedVersion === undefined || this.#options.outbox.forJob(entry.jobId).length === 0) {
      this.#reached.delete(entry.jobId);
    }
    this.#options.persist();
  }

  #settle(id: number, settle: (waiter: Waiter) => void): void {
    const waiters = this.#waiters.get(id);
    this.#waiters.delete(id);
    for (const waiter of waiters ?? []) settle(waiter);
  }
}
