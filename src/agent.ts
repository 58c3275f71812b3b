import { randomUUID as nodeRandomUUID } from 'node:crypto';
import { EventEmitter } from 'eventemitter3';
import { ExecutionTable } from './cache/execution-table.js';
import type { ExecutionCache } from './cache/execution-cache.js';
import { EventOutlet } from './agent-events.js';
import { systemClock, type Clock } from './clock.js';
import { resolveAgentOptions, type ResolvedAgentOptions } from './config/resolve.js';
import type { AgentOptions } from './config/schema.js';
import { ClosedError } from './errors.js';
import type { JobsAgentEvents, ReconcileReport } from './events.js';
import { silentLogger, type Logger } from './logger.js';
import type { JobExecution } from './protocol/types.js';
import type { ExecutionListSource } from './reconcile/source.js';
import type { CredentialsProvider } from './http/credentials.js';
import type { Lifecycle, UpdateOptions } from './lifecycle/lifecycle.js';
import type { LifecycleStore } from './lifecycle/state-store.js';
import type { OutboxEntry as PendingUpdate } from './lifecycle/outbox.js';
import { wireLifecycle } from './lifecycle/wiring.js';
import type { HandleOptions, JobDocumentObject, JobHandler, LifecycleOptions } from './lifecycle/types.js';
import type { DeviceSettableStatus, StatusDetails } from './protocol/types.js';
import type { JobsClient } from './requests/jobs-client.js';
import type { PendingExecutions } from './requests/jobs-requester.js';
import { DEFAULT_REQUEST_RETRY, type RetryPolicy } from './requests/retry.js';
import { lazyListSource } from './lazy-list-source.js';
import { CachePersistence } from './persistence.js';
import { Session } from './session.js';
import type { ExecutionChange } from './tracking/changes.js';
import { selectTransportFactory } from './transport/select.js';
import type { TransportFactory } from './transport/transport.js';

/** Everything with side effects or nondeterminism, injectable; each has a working default. */
export interface AgentDependencies {
  readonly clock?: Clock;
  readonly random?: () => number;
  readonly randomUUID?: () => string;
  readonly logger?: Logger;
  /** Where the cache survives restarts; defaults to a FileExecutionCache when `stateFile` is set. */
  readonly cache?: ExecutionCache;
  /** Builds the MQTT transport; defaults to MQTT.js over mutual TLS. */
  readonly transportFactory?: TransportFactory;
  /** The complete listing used by reconcile; defaults to ListJobExecutionsForThing over HTTPS. */
  readonly listSource?: ExecutionListSource;
  /** Credentials for the default list source; defaults to what `reconcile.credentials` names. */
  readonly credentials?: CredentialsProvider;
  readonly fetch?: typeof fetch;
  /** Where run records and queued status updates survive restarts; defaults to a file next to `stateFile`. */
  readonly lifecycleStore?: LifecycleStore;
  /** Retries of throttled requests (RequestThrottled, InternalError). */
  readonly requestRetry?: RetryPolicy;
}

export type AgentState = 'idle' | 'starting' | 'running' | 'stopping' | 'stopped';

/**
 * Tracks this thing's AWS IoT Jobs executions: connects over mutual-TLS MQTT, follows the jobs
 * notifications, keeps a local cache reconciled against ListJobExecutionsForThing, and emits one
 * typed event per real change.
 *
 * @example
 * const agent = new JobsAgent({ thingName: 'rpi-kitchen-01', mqtt: { url, caFile, certFile, keyFile } });
 * agent.on('executionAdded', ({ execution }) => console.log(execution.jobId, execution.status));
 * await agent.start();
 */
export class JobsAgent extends EventEmitter<JobsAgentEvents> {
  readonly #options: ResolvedAgentOptions;
  readonly #table = new ExecutionTable();
  readonly #session: Session;
  readonly #persistence: CachePersistence;
  readonly #client: JobsClient;
  readonly #lifecycle: Lifecycle;
  readonly #events: EventOutlet;
  #state: AgentState = 'idle';

  /**
   * Throws ConfigError when the options are invalid or a certificate file is unreadable.
   * `lifecycle` tunes how handlers run (see `handle()`).
   */
  constructor(options: AgentOptions, dependencies: AgentDependencies = {}, lifecycle: LifecycleOptions = {}) {
    super();
    this.#options = resolveAgentOptions(options);
    const clock = dependencies.clock ?? systemClock;
    const logger = dependencies.logger ?? silentLogger;
    this.#events = new EventOutlet(this, clock, logger);
    this.#persistence = new CachePersistence({
      thingName: this.#options.thingName,
      cache: dependencies.cache,
      stateFile: this.#options.stateFile,
      table: this.#table,
      clock,
      onError: (error) => {
        this.#events.error(error);
      },
    });
    const random = dependencies.random ?? Math.random;
    this.#session = new Session({
      options: this.#options,
      table: this.#table,
      clock,
      random,
      randomUUID: dependencies.randomUUID ?? nodeRandomUUID,
      logger,
      transportFactory:
        dependencies.transportFactory ??
        selectTransportFactory(this.#options, process.env, { clock, logger }),
      // The HTTP stack loads on the first reconcile, not with the agent (see lazyListSource).
      listSource: dependencies.listSource ?? lazyListSource(this.#options, dependencies, clock, random),
      sink: {
        changes: (changes) => {
          this.#publishChanges(changes);
        },
        ended: (jobId) => {
          this.#lifecycle.onEnded(jobId);
        },
        nextChanged: (execution) => {
          this.#events.emit('nextExecutionChanged', { execution });
        },
        connected: (sessionPresent) => {
          this.#events.emit('connected', { sessionPresent });
          this.#lifecycle.onConnected();
        },
        disconnected: (reason) => {
          this.#events.emit('disconnected', { reason });
        },
        reconciled: (report) => {
          this.#events.emit('reconciled', report);
        },
        error: (error) => {
          this.#events.error(error);
        },
      },
    });
    ({ client: this.#client, lifecycle: this.#lifecycle } = wireLifecycle({
      thingName: this.#options.thingName,
      namespaceId: this.#options.namespaceId,
      stateFile: this.#options.stateFile,
      table: this.#table,
      clock,
      random,
      logger,
      retry:
        dependencies.requestRetry ??
        (this.#options.requestRetry ? { ...this.#options.requestRetry, factor: 2 } : DEFAULT_REQUEST_RETRY),
      store: dependencies.lifecycleStore,
      // The `jobs` section of the options, overridden key by key by the constructor argument.
      options: { ...stripUndefined(this.#options.jobs ?? {}), ...stripUndefined(lifecycle) },
      session: this.#session,
      sink: {
        event: (event, payload) => {
          this.#events.emit(event, payload);
        },
        error: (error) => {
          this.#events.error(error);
        },
      },
    }));
  }

  /** idle → starting → running → stopping → stopped. An agent is started once. */
  get state(): AgentState {
    return this.#state;
  }

  /** The thing this agent tracks. */
  get thingName(): string {
    return this.#options.thingName;
  }

  /**
   * Loads the saved cache, connects (mutual TLS), subscribes, asks for the pending executions and
   * runs the first reconcile. Rejects with ConnectError when the first connection fails (a refused
   * certificate or an unreachable broker), within `mqtt.connectTimeoutMs`; once connected, lost
   * connections are retried forever with jittered backoff.
   */
  async start(): Promise<void> {
    if (this.#state !== 'idle') throw new ClosedError(`start() called on an agent that is ${this.#state}`);
    this.#state = 'starting';
    await this.#loadCache();
    await this.#lifecycle.load();
    try {
      await this.#session.start();
    } catch (error) {
      this.#state = 'stopping';
      await this.#session.stop();
      this.#state = 'stopped';
      throw error;
    }
    this.#state = 'running';
  }

  /**
   * Aborts running handlers (signal reason: ClosedError), waits up to `stopDrainMs` for queued
   * status updates, unsubscribes, flushes the state files and disconnects. Pending calls reject
   * with ClosedError. Idempotent.
   */
  async stop(): Promise<void> {
    if (this.#state === 'stopped' || this.#state === 'stopping') return;
    this.#state = 'stopping';
    try {
      // Handlers first: aborted ones stay recorded as running (resumed next start), and queued
      // status updates get a chance to go out while the connection is still up.
      await this.#lifecycle.stop();
      await this.#session.stop();
      await this.#persistence.close();
    } finally {
      // A failed final save still rejects stop(), but never leaves the agent half-stopped.
      this.#state = 'stopped';
    }
  }

  /** A read-only snapshot of the cache, IN_PROGRESS first, then by queue time. */
  executions(): readonly JobExecution[] {
    return this.#table.list();
  }

  /** One execution by job id, as last known. */
  execution(jobId: string): JobExecution | undefined {
    return this.#table.get(jobId);
  }

  /** The execution AWS IoT Jobs would hand out next, as far as the agent knows. */
  nextExecution(): JobExecution | null {
    return this.#table.next() ?? null;
  }

  /**
   * Reconciles the cache now with a complete listing (ListJobExecutionsForThing, every page) and
   * resolves with the report. Without a `reconcile` section it refreshes over MQTT instead (the
   * pending list and describes), which can add and update but never remove.
   */
  async reconcile(): Promise<ReconcileReport> {
    if (this.#state !== 'running')
      throw new ClosedError(`reconcile() needs a running agent (it is ${this.#state})`);
    return this.#session.reconcileNow();
  }

  /**
   * Runs `handler` for every job whose document's `operation` is `operation`: the job is claimed
   * (IN_PROGRESS, with `expectedVersion`), the handler called, and its result reported
   * (SUCCEEDED, or FAILED when it throws). See docs/lifecycle.md. Returns an unregister function.
   */
  handle<TDocument = JobDocumentObject>(
    operation: string,
    handler: JobHandler<NoInfer<TDocument>>,
    options: HandleOptions<TDocument> = {},
  ): () => void {
    return this.#lifecycle.handle(operation, handler as JobHandler<unknown>, options);
  }

  /** GetPendingJobExecutions; the executions are merged into the cache. */
  getPending(): Promise<PendingExecutions> {
    return this.#whileRunning('getPending', () => this.#client.getPending());
  }

  /** DescribeJobExecution of a job id or `'$next'` (null when nothing is pending); merged into the cache. */
  describe(jobId: string): Promise<JobExecution | null> {
    return this.#whileRunning('describe', () => this.#client.describe(jobId));
  }

  /**
   * StartNextPendingJobExecution: the next pending execution, now IN_PROGRESS (null when none).
   * An execution started this way is the application's to finish; handlers leave it alone.
   */
  startNext(
    options: { readonly statusDetails?: StatusDetails; readonly stepTimeoutInMinutes?: number } = {},
  ): Promise<JobExecution | null> {
    return this.#whileRunning('startNext', async () => {
      const execution = await this.#client.startNext(options);
      if (execution) this.#lifecycle.markManual(execution.jobId, execution.executionNumber);
      return execution;
    });
  }

  /**
   * UpdateJobExecution through the durable outbox: validated at once (ConfigError naming the
   * field), shown in the cache at once, delivered in order (after a reconnect when offline), with
   * `expectedVersion` from the cache. Resolves with the execution once the service accepted it;
   * rejects with RejectedError (AWS code and executionState) when it refused it.
   */
  update(jobId: string, status: DeviceSettableStatus, options: UpdateOptions = {}): Promise<JobExecution> {
    return this.#whileRunning('update', () => this.#lifecycle.update(jobId, status, options));
  }

  /** Status updates queued and not yet accepted by the service, oldest first (see `update()`). */
  pendingUpdates(): readonly PendingUpdate[] {
    return this.#lifecycle.pendingUpdates();
  }

  async #whileRunning<T>(operation: string, call: () => Promise<T>): Promise<T> {
    if (this.#state !== 'running')
      throw new ClosedError(`${operation}() needs a running agent (it is ${this.#state})`);
    return call();
  }

  async #loadCache(): Promise<void> {
    const saved = await this.#persistence.load();
    if (saved.length > 0) this.#publishChanges(this.#session.restore(saved));
  }

  #publishChanges(changes: readonly ExecutionChange[]): void {
    if (changes.length === 0) return;
    this.#events.changes(changes);
    this.#persistence.changed();
    this.#lifecycle.onChanges(changes);
  }
}

/** Drops keys whose value is undefined, so a spread cannot erase a value set elsewhere. */
function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
