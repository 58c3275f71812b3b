import type { ExecutionTable } from '../cache/execution-table.js';
import type { Clock } from '../clock.js';
import {
  CacheError,
  ClosedError,
  ConfigError,
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
import { stateAsExecution } from '../requests/status-updater.js';
import type { ExecutionChange } from '../tracking/changes.js';
import type { RegisteredHandler } from './claim.js';
import { runKey, RunJournal } from './journal.js';
import { resolveHandleOptions, resolveLifecycleOptions, type ResolvedLifecycleOptions } from './options.js';
import { checkStatusUpdate } from './outcome.js';
import type { OutboxEntry } from './outbox.js';
import type { LifecycleEventPayload } from './reporting.js';
import { JobScheduler } from './scheduler.js';
import type { LifecycleStore } from './state-store.js';
import { StateWriter } from './state-writer.js';
import type { HandleOptions, JobHandler, LifecycleOptions } from './types.js';
import { UpdateQueue } from './update-queue.js';

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
  readonly #handlers = new Map<string, RegisteredHandler>();
  /** Executions the application drives itself (startNext, update to IN_PROGRESS). */
  readonly #manual = new Set<string>();
  readonly #writer: StateWriter;
  readonly #updates: UpdateQueue;
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
        outbox: this.#updates.entries(),
        savedAt: clock.now(),
      }),
    );
    this.#updates = new UpdateQueue({
      table,
      client: deps.client,
      clock,
      random: deps.random,
      retry: deps.retry,
      logger,
      isReady: deps.isReady,
      persist: () => void this.#persist().catch(() => undefined),
      changes: (changes) => {
        deps.sink.changes(changes);
      },
      error: (error) => {
        deps.sink.error(error);
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
        const { jobId, executionNumber } = execution;
        void this.#updates.enqueue({ jobId, executionNumber, status, statusDetails }).catch(() => undefined);
      },
      enqueueProgress: ({ jobId, executionNumber }, report) =>
        this.#updates.enqueue({ jobId, executionNumber, status: 'IN_PROGRESS', ...report }),
      dropUndelivered: (jobId, executionNumber) => {
        this.#updates.dropExecution(jobId, executionNumber);
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
    return this.#updates.entries();
  }

  /** Loads the journal and the outbox; queued updates are shown in the table again at once. */
  async load(): Promise<void> {
    const { store, thingName, sink } = this.#deps;
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
    this.#updates.restore(snapshot.outbox);
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
    const { statusDetails, stepTimeoutInMinutes } = options;
    const result = await this.#updates.enqueue(
      { jobId, executionNumber, status, statusDetails, stepTimeoutInMinutes },
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
    this.#updates.kick();
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
    if (this.#deps.isReady()) await this.#updates.drain(this.#options.stopDrainMs);
    await this.#updates.stop();
    await this.#persist().catch(() => undefined);
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
