import { EventEmitter } from 'eventemitter3';
import { assembleAgent, type AgentDependencies, type AgentParts } from './agent-assembly.js';
import type { AgentOptions } from './config/schema.js';
import { ClosedError } from './errors.js';
import type { JobsAgentEvents, ReconcileReport } from './events.js';
import type { JobExecution } from './protocol/types.js';
import type { UpdateOptions } from './lifecycle/lifecycle.js';
import type { OutboxEntry as PendingUpdate } from './lifecycle/outbox.js';
import type { HandleOptions, JobDocumentObject, JobHandler, LifecycleOptions } from './lifecycle/types.js';
import type { DeviceSettableStatus, StatusDetails } from './protocol/types.js';
import type { PendingExecutions } from './requests/jobs-requester.js';

export type { AgentDependencies } from './agent-assembly.js';

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
  readonly #parts: AgentParts;
  #state: AgentState = 'idle';

  /**
   * Throws ConfigError when the options are invalid or a certificate file is unreadable.
   * `lifecycle` tunes how handlers run (see `handle()`).
   */
  constructor(options: AgentOptions, dependencies: AgentDependencies = {}, lifecycle: LifecycleOptions = {}) {
    super();
    // How the parts are built and connected to each other (events, saves, handlers): agent-assembly.ts.
    this.#parts = assembleAgent(this, options, dependencies, lifecycle);
  }

  /** idle → starting → running → stopping → stopped. An agent is started once. */
  get state(): AgentState {
    return this.#state;
  }

  /** The thing this agent tracks. */
  get thingName(): string {
    return this.#parts.options.thingName;
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
    await this.#parts.loadCache();
    await this.#parts.lifecycle.load();
    try {
      await this.#parts.session.start();
    } catch (error) {
      this.#state = 'stopping';
      await this.#parts.session.stop();
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
      await this.#parts.lifecycle.stop();
      await this.#parts.session.stop();
      await this.#parts.persistence.close();
    } finally {
      // A failed final save still rejects stop(), but never leaves the agent half-stopped.
      this.#state = 'stopped';
    }
  }

  /** A read-only snapshot of the cache, IN_PROGRESS first, then by queue time. */
  executions(): readonly JobExecution[] {
    return this.#parts.table.list();
  }

  /** One execution by job id, as last known. */
  execution(jobId: string): JobExecution | undefined {
    return this.#parts.table.get(jobId);
  }

  /** The execution AWS IoT Jobs would hand out next, as far as the agent knows. */
  nextExecution(): JobExecution | null {
    return this.#parts.table.next() ?? null;
  }

  /**
   * Reconciles the cache now with a complete listing (ListJobExecutionsForThing, every page) and
   * resolves with the report. Without a `reconcile` section it refreshes over MQTT instead (the
   * pending list and describes), which can add and update but never remove.
   */
  async reconcile(): Promise<ReconcileReport> {
    if (this.#state !== 'running')
      throw new ClosedError(`reconcile() needs a running agent (it is ${this.#state})`);
    return this.#parts.session.reconcileNow();
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
    return this.#parts.lifecycle.handle(operation, handler as JobHandler<unknown>, options);
  }

  /** GetPendingJobExecutions; the executions are merged into the cache. */
  getPending(): Promise<PendingExecutions> {
    return this.#whileRunning('getPending', () => this.#parts.client.getPending());
  }

  /** DescribeJobExecution of a job id or `'$next'` (null when nothing is pending); merged into the cache. */
  describe(jobId: string): Promise<JobExecution | null> {
    return this.#whileRunning('describe', () => this.#parts.client.describe(jobId));
  }

  /**
   * StartNextPendingJobExecution: the next pending execution, now IN_PROGRESS (null when none).
   * An execution started this way is the application's to finish; handlers leave it alone.
   */
  startNext(
    options: { readonly statusDetails?: StatusDetails; readonly stepTimeoutInMinutes?: number } = {},
  ): Promise<JobExecution | null> {
    return this.#whileRunning('startNext', async () => {
      const execution = await this.#parts.client.startNext(options);
      if (execution) this.#parts.lifecycle.markManual(execution.jobId, execution.executionNumber);
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
    return this.#whileRunning('update', () => this.#parts.lifecycle.update(jobId, status, options));
  }

  /** Status updates queued and not yet accepted by the service, oldest first (see `update()`). */
  pendingUpdates(): readonly PendingUpdate[] {
    return this.#parts.lifecycle.pendingUpdates();
  }

  async #whileRunning<T>(operation: string, call: () => Promise<T>): Promise<T> {
    if (this.#state !== 'running')
      throw new ClosedError(`${operation}() needs a running agent (it is ${this.#state})`);
    return call();
  }
}
