import type { ExecutionTable } from '../cache/execution-table.js';
import type { Clock } from '../clock.js';
import {
  CacheError,
  ClosedError,
  ConfigError,
  RejectedError,
  AbortedError,
  describeError,
  isJobsAgentError,
  type JobsAgentError,
} from '../errors.js';
import type { JobLifecycleEventName } from '../events.js';
import type { Logger } from '../logger.js';
import {
  isTerminalStatus,
  type DeviceSettableStatus,
  type JobExecution,
  type StatusDetails,
} from '../protocol/types.js';
import type { JobsClient } from '../requests/jobs-client.js';
import type { RetryPolicy } from '../requests/retry.js';
import { rejectedState, stateAsExecution, type StatusUpdateResult } from '../requests/status-updater.js';
import type { ExecutionChange } from '../tracking/changes.js';
import type { RegisteredHandler } from './claim.js';
import { runKey, RunJournal } from './journal.js';
import { applyPrediction, correct } from './optimistic.js';
import { resolveHandleOptions, resolveLifecycleOptions, type ResolvedLifecycleOptions } from './options.js';
import { checkStatusUpdate } from './outcome.js';
import { Outbox, type OutboxEntry } from './outbox.js';
import { OutboxDelivery } from './outbox-delivery.js';
import { JobScheduler, type LifecycleEventPayload } from './scheduler.js';
import type { LifecycleStore } from './state-store.js';
import { StateWriter } from './state-writer.js';
import type { HandleOptions, JobHandler, LifecycleOptions } from './types.js';

/** What the lifecycle tells the agent; the agent turns each call into public events. */
export interface LifecycleSink {
  changes(changes: readonly ExecutionChange[]): void;
  event<E extends JobLifecycleEventName>(event: E, payload: LifecycleEventPayload<E>): void;
  error(error: JobsAgentError): void;
}

export interface LifecycleDependencies {
  readonly thingName: string;
  readonly table: ExecutionTable;
  readonly client: JobsClient;
  readonly clock: Clock;
  readonly random: () => number;
  readonly logger: Logger;
  readonly store: LifecycleStore;
  readonly retry: RetryPolicy;
  /** Connected and subscribed. */
  readonly isReady: () => boolean;
  readonly options?: LifecycleOptions | undefined;
  readonly sink: LifecycleSink;
}

/** Options of `agent.update()`. */
export interface UpdateOptions {
  /** Replaces the execution's statusDetails (validated before anything is sent). */
  readonly statusDetails?: StatusDetails | undefined;
  /** With IN_PROGRESS, (re)starts the step timer. */
  readonly stepTimeoutInMinutes?: number | undefined;
  /** The execution to update; defaults to the one the cache knows. */
  readonly executionNumber?: number | undefined;
}

/**
 * The device side of the jobs lifecycle: handlers, the run journal (exactly-once), the durable
 * outbox of status updates and the scheduler that connects them. Owns the lifecycle state file;
 * never emits events itself (the sink does, through the agent).
 */
export class Lifecycle {
  readonly #deps: LifecycleDependencies;
  readonly #options: ResolvedLifecycleOptions;
  readonly #journal = new RunJournal();
  readonly #outbox = new Outbox();
  readonly #handlers = new Map<string, RegisteredHandler>();
  /** Executions the application drives itself (startNext, update to IN_PROGRESS). */
  readonly #manual = new Set<string>();
  /** Entries queued by `update()`: their caller hears about a refusal, the error event does not. */
  readonly #awaited = new Set<number>();
  readonly #writer: StateWriter;
  readonly #delivery: OutboxDelivery;
  readonly #scheduler: JobScheduler;
  #stopped = false;

  constructor(deps: LifecycleDependencies) {
    this.#deps = deps;
    this.#options = resolveLifecycleOptions(deps.options);
    const { clock, table, logger } = deps;
    this.#writer = new StateWriter(() =>
      deps.store.save({
        thingName: deps.thingName,
        runs: this.#journal.records(),
        outbox: this.#outbox.entries(),
        savedAt: clock.now(),
      }),
    );
    this.#delivery = new OutboxDelivery({
      outbox: this.#outbox,
      client: deps.client,
      clock,
      random: deps.random,
      retry: deps.retry,
      isReady: deps.isReady,
      logger,
      persist: () => void this.#persist().catch(() => undefined),
      onDelivered: () => undefined,
      onRefused: (entry, error) => {
        this.#refused(entry, error);
      },
    });
    this.#scheduler = new JobScheduler({
      table,
      journal: this.#journal,
      clock,
      logger,
      concurrency: this.#options.concurrency,
      progressIntervalMs: this.#options.progressIntervalMs,
      abortGraceMs: this.#options.abortGraceMs,
      claim: {
        client: deps.client,
        clock,
        retry: deps.retry,
        unhandledJobs: this.#options.unhandledJobs,
      },
      handlerFor: (operation) => (operation === undefined ? undefined : this.#handlers.get(operation)),
      hasHandlers: () => this.#handlers.size > 0,
      isReady: deps.isReady,
      isManual: (jobId, executionNumber) =>
        this.#manual.has(runKey(jobId, executionNumber)) || this.#manual.has(runKey(jobId, undefined)),
      persist: () => this.#persist(),
      enqueueTerminal: (execution, status, statusDetails) => {
        void this.#enqueue(execution.jobId, execution.executionNumber, status, statusDetails).catch(
          () => undefined,
        );
      },
      enqueueProgress: (execution, report) =>
        this.#enqueue(
          execution.jobId,
          execution.executionNumber,
          'IN_PROGRESS',
          report.statusDetails,
          report.stepTimeoutInMinutes,
        ),
      dropUndelivered: (jobId, executionNumber) => {
        const dropped = this.#outbox.removeExecution(jobId, executionNumber, this.#delivery.inFlight);
        this.#delivery.dropped(dropped, new AbortedError(`the update of job ${jobId}`));
        if (dropped.length > 0) void this.#persist().catch(() => undefined);
      },
      emit: (event, payload) => {
        deps.sink.event(event, payload);
      },
      error: (error) => {
        deps.sink.error(error);
      },
    });
  }

  /** Undelivered status updates, oldest first. */
  pendingUpdates(): readonly OutboxEntry[] {
    return this.#outbox.entries();
  }

  /** Loads the journal and the outbox; queued updates are shown in the table again at once. */
  async load(): Promise<void> {
    const { store, thingName, sink, table, clock } = this.#deps;
    let snapshot;
    try {
      snapshot = await store.load();
    } catch (error) {
      sink.error(
        isJobsAgentError(error) ? error : new CacheError(describeError(error), undefined, { cause: error }),
      );
      return;
    }
    if (!snapshot) return;
    if (snapshot.thingName !== thingName) {
      sink.error(
        new CacheError(
          `the lifecycle state belongs to thing ${snapshot.thingName}, not ${thingName}; ignored`,
        ),
      );
      return;
    }
    this.#journal.replace(snapshot.runs);
    this.#outbox.replace(snapshot.outbox);
    const changes = this.#outbox
      .entries()
      .map((entry) => applyPrediction(table, entry, clock.now()))
      .filter((change): change is ExecutionChange => change !== undefined);
    if (changes.length > 0) sink.changes(changes);
  }

  /** Registers the handler of an operation; returns a function that unregisters it. */
  handle(operation: string, handler: JobHandler<unknown>, options: HandleOptions<unknown> = {}): () => void {
    if (typeof handler !== 'function') throw ConfigError.forField('handler', 'must be a function');
    const resolved = resolveHandleOptions(operation, options);
    if (this.#handlers.has(operation)) {
      throw ConfigError.forField('operation', `a handler for ${operation} is already registered`);
    }
    const registered: RegisteredHandler = { operation, handler, schema: options.schema, ...resolved };
    this.#handlers.set(operation, registered);
    this.#scheduler.handlersChanged();
    return () => {
      if (this.#handlers.get(operation) === registered) this.#handlers.delete(operation);
    };
  }

  /**
   * Queues a status update durably and shows it in the table at once; resolves with the
   * execution once the service accepted it. Offline, it waits for the connection to return.
   */
  async update(
    jobId: string,
    status: DeviceSettableStatus,
    options: UpdateOptions = {},
  ): Promise<JobExecution> {
    checkStatusUpdate(jobId, status, options.statusDetails, options.stepTimeoutInMinutes);
    if (this.#stopped) throw new ClosedError();
    const executionNumber = options.executionNumber ?? this.#deps.table.get(jobId)?.executionNumber;
    if (status === 'IN_PROGRESS' && !this.#scheduler.runOf(jobId)) this.markManual(jobId, executionNumber);
    const result = await this.#enqueue(
      jobId,
      executionNumber,
      status,
      options.statusDetails,
      options.stepTimeoutInMinutes,
      true,
    );
    const known = this.#deps.table.get(jobId);
    return known ?? stateAsExecution(jobId, executionNumber, result.state ?? { status });
  }

  /** An execution the application started itself (startNext): the scheduler leaves it alone. */
  markManual(jobId: string, executionNumber: number | undefined): void {
    this.#manual.add(runKey(jobId, executionNumber));
  }

  /** Table changes: a running execution ended by the service aborts its handler; new work is looked for. */
  onChanges(changes: readonly ExecutionChange[]): void {
    for (const change of changes) {
      const run = this.#scheduler.runOf(change.execution.jobId);
      if (!run || run.aborted) continue;
      if (change.kind === 'removed') {
        this.#scheduler.cancel(run, undefined, true);
        continue;
      }
      const { status, executionNumber } = change.execution;
      const rerun =
        executionNumber !== undefined &&
        run.executionNumber !== undefined &&
        executionNumber > run.executionNumber;
      if (rerun || isTerminalStatus(status)) this.#scheduler.cancel(run, rerun ? undefined : status, false);
    }
    this.#scheduler.schedule();
  }

  /**
   * The service ended an execution without saying how (a describe answered TerminalStateReached
   * after a notification dropped it from the pending list): a running handler is aborted.
   */
  onEnded(jobId: string): void {
    const run = this.#scheduler.runOf(jobId);
    if (run && !run.aborted) this.#scheduler.cancel(run, undefined, false);
  }

  /** Connected and subscribed: deliver what queued up, look for work. */
  onConnected(): void {
    this.#delivery.kick();
    this.#scheduler.schedule();
  }

  /**
   * Aborts running handlers (they stay recorded as running, so the next start resumes or reports
   * them), waits for them up to `abortGraceMs`, gives queued updates up to `stopDrainMs` to go
   * out, and stores the state.
   */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    await this.#scheduler.stop();
    if (this.#deps.isReady()) await this.#delivery.drain(this.#options.stopDrainMs);
    await this.#delivery.stop();
    await this.#persist().catch(() => undefined);
  }

  #enqueue(
    jobId: string,
    executionNumber: number | undefined,
    status: DeviceSettableStatus,
    statusDetails?: StatusDetails,
    stepTimeoutInMinutes?: number,
    awaited = false,
  ): Promise<StatusUpdateResult> {
    const { table, clock, sink } = this.#deps;
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
    if (change) sink.changes([change]);
    void this.#persist().catch(() => undefined);
    this.#delivery.kick();
    return done;
  }

  /** The service refused an update for good: drop the execution's later updates, undo predictions. */
  #refused(entry: OutboxEntry, error: JobsAgentError): void {
    const { table, clock, sink, client } = this.#deps;
    const dropped = this.#outbox.removeExecution(entry.jobId, entry.executionNumber);
    this.#delivery.dropped(dropped, error);
    if (!this.#awaited.has(entry.id)) sink.error(error);
    const state = error instanceof RejectedError ? rejectedState(error) : undefined;
    if (state) {
      const change = correct(table, stateAsExecution(entry.jobId, entry.executionNumber, state), clock.now());
      if (change) sink.changes([change]);
      return;
    }
    if (error instanceof RejectedError && error.rejectedCode === 'ResourceNotFound') {
      const removed = table.remove(entry.jobId);
      if (removed) sink.changes([{ kind: 'removed', execution: removed }]);
      return;
    }
    void client
      .describe(entry.jobId)
      .then((execution) => {
        const change = execution ? correct(table, execution, clock.now()) : undefined;
        if (change) sink.changes([change]);
      })
      .catch(() => undefined);
  }

  #persist(): Promise<void> {
    return this.#writer.persist().catch((error: unknown) => {
      const failure = isJobsAgentError(error)
        ? error
        : new CacheError(describeError(error), undefined, { cause: error });
      this.#deps.sink.error(failure);
      throw failure;
    });
  }
}
