import type { ExecutionTable } from '../cache/execution-table.js';
import type { Clock } from '../clock.js';
import { AbortedError, type JobsAgentError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { DeviceSettableStatus, StatusDetails } from '../protocol/types.js';
import type { JobsClient } from '../requests/jobs-client.js';
import type { RetryPolicy } from '../requests/retry.js';
import type { StatusUpdateResult } from '../requests/status-updater.js';
import type { ExecutionChange } from '../tracking/changes.js';
import { applyPrediction, undoRefused } from './optimistic.js';
import { Outbox, type OutboxEntry } from './outbox.js';
import { OutboxDelivery } from './outbox-delivery.js';

/** One status update as the device decides it. */
export interface QueuedUpdate {
  readonly jobId: string;
  readonly executionNumber: number | undefined;
  readonly status: DeviceSettableStatus;
  readonly statusDetails?: StatusDetails | undefined;
  readonly stepTimeoutInMinutes?: number | undefined;
}

export interface UpdateQueueOptions {
  readonly table: ExecutionTable;
  readonly client: JobsClient;
  readonly clock: Clock;
  readonly random: () => number;
  readonly retry: RetryPolicy;
  readonly logger: Logger;
  readonly isReady: () => boolean;
  /** Stores the lifecycle state (the outbox with it); failures are reported by the caller. */
  readonly persist: () => void;
  readonly changes: (changes: readonly ExecutionChange[]) => void;
  readonly error: (error: JobsAgentError) => void;
}

/**
 * The durable outbox as the lifecycle uses it: an update is queued (and stored), shown in the
 * table at once (see optimistic.ts), and delivered in order by OutboxDelivery, after a
 * reconnect when offline. A final refusal drops the execution's later updates and puts the
 * table right with the service's word.
 */
export class UpdateQueue {
  readonly #options: UpdateQueueOptions;
  readonly #outbox = new Outbox();
  readonly #delivery: OutboxDelivery;
  /** Entries someone awaits: their caller hears about a refusal, the error event does not. */
  readonly #awaited = new Set<number>();

  constructor(options: UpdateQueueOptions) {
    this.#options = options;
    this.#delivery = new OutboxDelivery({
      outbox: this.#outbox,
      client: options.client,
      clock: options.clock,
      random: options.random,
      retry: options.retry,
      isReady: options.isReady,
      logger: options.logger,
      persist: options.persist,
      onDelivered: () => undefined,
      onRefused: (entry, error) => {
        this.#refused(entry, error);
      },
    });
  }

  /** Undelivered updates, oldest first. */
  entries(): readonly OutboxEntry[] {
    return this.#outbox.entries();
  }

  /** Takes back the updates stored by an earlier run and shows them in the table again. */
  restore(entries: readonly OutboxEntry[]): void {
    this.#outbox.replace(entries);
    const { table, clock } = this.#options;
    const changes = this.#outbox
      .entries()
      .map((entry) => applyPrediction(table, entry, clock.now()))
      .filter((change): change is ExecutionChange => change !== undefined);
    if (changes.length > 0) this.#options.changes(changes);
  }

  /**
   * Queues an update with `expectedVersion` from the table (when it is about the execution the
   * table knows); resolves when the service accepted it. `awaited`: the caller handles a refusal.
   */
  enqueue(update: QueuedUpdate, awaited = false): Promise<StatusUpdateResult> {
    const { table, clock } = this.#options;
    const { jobId, executionNumber, status, statusDetails, stepTimeoutInMinutes } = update;
    const current = table.get(jobId);
    const sameExecution =
      executionNumber === undefined ||
      current?.executionNumber === undefined ||
      current.executionNumber === executionNumber;
    const entry = this.#outbox.add({
      jobId,
      ...(executionNumber !== undefined ? { executionNumber } : {}),
      status,
      ...(statusDetails !== undefined ? { statusDetails } : {}),
      ...(stepTimeoutInMinutes !== undefined ? { stepTimeoutInMinutes } : {}),
      ...(sameExecution && current?.versionNumber !== undefined
        ? { expectedVersion: current.versionNumber }
        : {}),
      enqueuedAt: clock.now(),
    });
    if (awaited) this.#awaited.add(entry.id);
    const done = this.#delivery.waitFor(entry.id).finally(() => this.#awaited.delete(entry.id));
    const change = applyPrediction(table, entry, clock.now());
    if (change) this.#options.changes([change]);
    this.#options.persist();
    this.#delivery.kick();
    return done;
  }

  /** Drops the undelivered updates of an execution the service ended (not one being sent). */
  dropExecution(jobId: string, executionNumber: number | undefined): void {
    const dropped = this.#outbox.removeExecution(jobId, executionNumber, this.#delivery.inFlight);
    this.#delivery.dropped(dropped, new AbortedError(`the update of job ${jobId}`));
    if (dropped.length > 0) this.#options.persist();
  }

  /** Sends what is queued, when connected. */
  kick(): void {
    this.#delivery.kick();
  }

  drain(timeoutMs: number): Promise<boolean> {
    return this.#delivery.drain(timeoutMs);
  }

  stop(): Promise<void> {
    return this.#delivery.stop();
  }

  #refused(entry: OutboxEntry, error: JobsAgentError): void {
    const { table, clock, client } = this.#options;
    const dropped = this.#outbox.removeExecution(entry.jobId, entry.executionNumber);
    this.#delivery.dropped(dropped, error);
    if (!this.#awaited.has(entry.id)) this.#options.error(error);
    void undoRefused(table, entry, error, (jobId) => client.describe(jobId), clock)
      .then((changes) => {
        if (changes.length > 0) this.#options.changes(changes);
      })
      .catch(() => undefined);
  }
}
