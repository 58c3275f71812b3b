import type { ExecutionTable } from './cache/execution-table.js';
import { reconcileFromListing, refreshOverMqtt, type CatchUpContext } from './catch-up.js';
import type { Clock } from './clock.js';
import type { ResolvedAgentOptions } from './config/resolve.js';
import { DEFAULT_RECONNECT } from './config/schema.js';
import {
  ClosedError,
  type JobsAgentError,
  TransportError,
  describeError,
  isJobsAgentError,
} from './errors.js';
import type { ReconcileReport } from './events.js';
import type { Logger } from './logger.js';
import { notificationFilters, replyFilters, type JobsScope } from './protocol/topics.js';
import type { JobExecution } from './protocol/types.js';
import { agentCadence } from './reconcile/cadence.js';
import { Reconciler } from './reconcile/reconciler.js';
import type { ExecutionListSource } from './reconcile/source.js';
import { JobsRequester, type RawReply } from './requests/jobs-requester.js';
import { MessageRouter } from './router.js';
import { applyObserved, type ExecutionChange } from './tracking/changes.js';
import { NextWatch } from './tracking/next-watch.js';
import { PendingRequests } from './transport/correlation.js';
import { ReconnectLoop } from './transport/reconnect.js';
import type { ConnectResult, JobsTransport, TransportFactory } from './transport/transport.js';

/** What the session tells the agent; the agent turns each call into public events. */
export interface SessionSink {
  changes(changes: readonly ExecutionChange[]): void;
  /**
   * A describe answered TerminalStateReached: the execution has ended in the service, in a
   * status the device API does not reveal (the reconcile it prompts will tell).
   */
  ended(jobId: string): void;
  nextChanged(execution: JobExecution | null): void;
  connected(sessionPresent: boolean): void;
  disconnected(reason: string): void;
  reconciled(report: ReconcileReport): void;
  error(error: JobsAgentError): void;
}

export interface SessionOptions {
  readonly options: ResolvedAgentOptions;
  readonly table: ExecutionTable;
  readonly clock: Clock;
  readonly random: () => number;
  readonly randomUUID: () => string;
  readonly logger: Logger;
  readonly transportFactory: TransportFactory;
  readonly listSource: ExecutionListSource | undefined;
  readonly sink: SessionSink;
}

/**
 * The connected life of an agent: the connection and its reconnects, the subscriptions, the
 * requests, the message routing and the reconciler. Every state change goes through the table's
 * one merge rule and comes out as ExecutionChange records for the agent to emit.
 */
export class Session {
  readonly #deps: SessionOptions;
  readonly #scope: JobsScope;
  readonly #transport: JobsTransport;
  readonly #pending: PendingRequests<RawReply>;
  readonly #requester: JobsRequester;
  readonly #router: MessageRouter;
  readonly #loop: ReconnectLoop;
  readonly #reconciler: Reconciler;
  #ready = false;
  #stopped = false;
  readonly #nextWatch = new NextWatch();
  readonly #catchUp: CatchUpContext;

  constructor(deps: SessionOptions) {
    this.#deps = deps;
    const { options, clock } = deps;
    this.#scope = { thingName: options.thingName, namespaceId: options.namespaceId };
    this.#catchUp = {
      table: deps.table,
      clock,
      publish: (changes) => {
        this.#publish(changes);
      },
    };
    this.#transport = deps.transportFactory({
      onMessage: (topic, payload) => {
        this.#router.route(topic, payload);
      },
      onDisconnect: (reason) => {
        this.#onDisconnect(reason);
      },
    });
    this.#pending = new PendingRequests<RawReply>(clock);
    this.#requester = new JobsRequester({
      scope: this.#scope,
      readyTransport: () => (this.#ready ? this.#transport : undefined),
      pending: this.#pending,
      randomUUID: deps.randomUUID,
      timeoutMs: options.requestTimeoutMs,
    });
    this.#router = new MessageRouter({
      thingName: options.thingName,
      maxPayloadBytes: options.maxPayloadBytes,
      table: deps.table,
      clock,
      logger: deps.logger,
      requester: this.#requester,
      onTerminalUnknown: (jobId) => {
        deps.sink.ended(jobId);
        this.#reconcileSoon(`${jobId} reached a terminal state`);
      },
      sink: {
        changes: (changes) => {
          this.#publish(changes);
        },
        error: (error) => {
          deps.sink.error(error);
        },
      },
    });
    this.#loop = new ReconnectLoop({
      connect: () => this.#transport.connect(),
      clock,
      random: deps.random,
      policy: { ...(options.mqtt?.reconnect ?? DEFAULT_RECONNECT), factor: 2 },
      onConnected: async (result) => {
        await this.#onConnected(result);
        this.#firstConnection?.resolve();
        this.#firstConnection = undefined;
      },
      onAttemptFailed: (error, attempt, nextDelayMs) => {
        const first = this.#firstConnection;
        if (first) {
          // start() reports the first failure to its caller instead of retrying in the background.
          this.#firstConnection = undefined;
          this.#loop.stop();
          first.reject(error);
          return;
        }
        deps.logger.warn({ err: error, attempt, nextDelayMs }, 'reconnect attempt failed');
        deps.sink.error(toAgentError(error, 'reconnect'));
      },
    });
    this.#reconciler = new Reconciler({
      ...agentCadence(options.reconcile, deps.random),
      clock,
      run: (signal) => this.#reconcileOnce(signal),
      onReport: (report) => {
        deps.sink.reconciled(report);
      },
      onError: (error, nextAttemptInMs, info) => {
        deps.logger.warn({ err: error, nextAttemptInMs }, 'reconcile failed; nothing was removed');
        // An awaited run (agent.reconcile()) rejects to its caller instead.
        if (!info.awaited) deps.sink.error(toAgentError(error, 'reconcile'));
      },
    });
  }

  /** The request/response layer (replies are routed to it by the session's router). */
  get requester(): JobsRequester {
    return this.#requester;
  }

  /** Connected and subscribed to every reply topic: requests can be made. */
  get ready(): boolean {
    return this.#ready;
  }

  /** Applies executions loaded from the state file (source `cache`). */
  restore(executions: readonly JobExecution[]): ExecutionChange[] {
    const changes = applyObserved(this.#deps.table, executions, 'cache', this.#deps.clock.now());
    this.#checkNext();
    return changes;
  }

  /**
   * First connection: resolves once subscribed and caught up; rejects with the first attempt's
   * error (ConnectError for a refused certificate or an unreachable broker). Later drops are
   * retried forever by the reconnect loop.
   */
  async start(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.#firstConnection = { resolve, reject };
      this.#loop.start();
    });
    const reconcile = this.#deps.options.reconcile;
    if (!this.#deps.listSource || !reconcile) return;
    this.#reconciler.start();
    if (reconcile.startupJitterSeconds === 0) {
      // Absorbs the scheduled first run, so start() resolves after the first reconcile.
      await this.#reconciler.runNow().catch((error: unknown) => {
        this.#deps.sink.error(toAgentError(error, 'reconcile'));
      });
    }
  }

  /** Settles start() with the outcome of the first connection attempt. */
  #firstConnection: { resolve: () => void; reject: (error: unknown) => void } | undefined;

  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#loop.stop();
    await this.#reconciler.stop();
    this.#pending.rejectAll(new ClosedError('the agent stopped before the reply arrived'));
    if (this.#ready) {
      this.#ready = false;
      await this.#transport.unsubscribe(this.#filters()).catch((error: unknown) => {
        this.#deps.logger.debug({ err: error }, 'unsubscribe during stop failed');
      });
    }
    await this.#transport.close();
  }

  /** A complete reconcile (HTTP listing) or, without one configured, a refresh over MQTT. */
  reconcileNow(): Promise<ReconcileReport> {
    return this.#deps.listSource ? this.#reconciler.runNow() : this.#refreshOverMqtt();
  }

  #filters(): string[] {
    return [...notificationFilters(this.#scope), ...replyFilters(this.#scope)];
  }

  /** Subscriptions first (confirmed by SUBACK), then `connected`, then the catch-up. */
  async #onConnected(result: ConnectResult): Promise<void> {
    if (this.#stopped) return;
    await this.#transport.subscribe(this.#filters());
    this.#ready = true;
    this.#deps.sink.connected(result.sessionPresent);
    await this.#refreshOverMqtt().catch((error: unknown) => {
      this.#deps.sink.error(toAgentError(error, 'pending list'));
    });
    if (this.#deps.listSource && this.#wasConnectedBefore) this.#reconcileAfterReconnect();
    this.#wasConnectedBefore = true;
  }

  #wasConnectedBefore = false;

  /**
   * The listing in flight (if any) may predate the outage, so a fresh one follows every reconnect.
   * After a broker restart a whole fleet reconnects in the same few waves of backoff, so the fresh
   * listing comes at a random point of `reconcile.startupJitterSeconds` and takes the place of the
   * next scheduled one: each agent lists once, and the fleet's rate stays what the jitter was
   * sized for.
   */
  #reconcileAfterReconnect(): void {
    this.#reconciler.runWithin((this.#deps.options.reconcile?.startupJitterSeconds ?? 0) * 1000);
  }

  /** A fresh complete listing as soon as possible (shared with any follow-up already queued). */
  #reconcileSoon(why: string): void {
    if (!this.#deps.listSource || this.#stopped) return;
    this.#deps.logger.debug({ why }, 'reconciling to learn a final status');
    this.#reconciler.runNow({ fresh: true }).catch((error: unknown) => {
      this.#deps.sink.error(toAgentError(error, 'reconcile'));
    });
  }

  #onDisconnect(reason: string): void {
    this.#ready = false;
    if (this.#stopped) return;
    this.#deps.sink.disconnected(reason);
    this.#loop.disconnected();
  }

  #refreshOverMqtt(): Promise<ReconcileReport> {
    return refreshOverMqtt(this.#catchUp, this.#requester, this.#scope.namespaceId, () =>
      this.#router.confirmUnconfirmed(),
    );
  }

  #reconcileOnce(signal: AbortSignal): Promise<ReconcileReport> {
    const source = this.#deps.listSource;
    if (!source) return Promise.reject(new ClosedError('reconcile is not configured'));
    return reconcileFromListing(this.#catchUp, source, signal);
  }

  /** Hands table changes made outside the session (requests, the lifecycle) to the agent. */
  publish(changes: readonly ExecutionChange[]): void {
    this.#publish(changes);
  }

  #publish(changes: readonly ExecutionChange[]): void {
    if (changes.length === 0) return;
    this.#deps.sink.changes(changes);
    this.#checkNext();
  }

  #checkNext(): void {
    const next = this.#nextWatch.changed(this.#deps.table.next() ?? null);
    if (next !== undefined) this.#deps.sink.nextChanged(next);
  }
}

/** Anything thrown inside the session becomes a typed error for the `error` event. */
export function toAgentError(error: unknown, during: string): JobsAgentError {
  if (isJobsAgentError(error)) return error;
  return new TransportError(`${during} failed: ${describeError(error)}`, { cause: error });
}
