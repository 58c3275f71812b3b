import { randomUUID as nodeRandomUUID } from 'node:crypto';
import type { EventEmitter } from 'eventemitter3';
import { EventOutlet } from './agent-events.js';
import { ExecutionTable } from './cache/execution-table.js';
import type { ExecutionCache } from './cache/execution-cache.js';
import { systemClock, type Clock } from './clock.js';
import { resolveAgentOptions, type ResolvedAgentOptions } from './config/resolve.js';
import type { AgentOptions } from './config/schema.js';
import type { JobsAgentEvents } from './events.js';
import type { CredentialsProvider } from './http/credentials.js';
import { lazyListSource } from './lazy-list-source.js';
import type { Lifecycle } from './lifecycle/lifecycle.js';
import type { LifecycleStore } from './lifecycle/state-store.js';
import type { LifecycleOptions } from './lifecycle/types.js';
import { wireLifecycle } from './lifecycle/wiring.js';
import { silentLogger, type Logger } from './logger.js';
import { CachePersistence } from './persistence.js';
import type { ExecutionListSource } from './reconcile/source.js';
import type { JobsClient } from './requests/jobs-client.js';
import { DEFAULT_REQUEST_RETRY, type RetryPolicy } from './requests/retry.js';
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

/** The parts of one agent, built and connected; JobsAgent is the facade over them. */
export interface AgentParts {
  readonly options: ResolvedAgentOptions;
  readonly table: ExecutionTable;
  readonly session: Session;
  readonly persistence: CachePersistence;
  readonly client: JobsClient;
  readonly lifecycle: Lifecycle;
  /** Loads the saved cache into the table and publishes what it restored as changes. */
  loadCache(): Promise<void>;
}

/**
 * Builds an agent's parts from its options and dependencies (each dependency has a default) and
 * connects them. The session's news leave as events through the EventOutlet, and reach the
 * lifecycle (connected, ended). Every change of the cache is emitted, then saved, then shown to
 * the lifecycle, in that order, wherever it comes from (notification, reconcile, restored file).
 * @throws ConfigError when the options are invalid or a certificate file is unreadable
 */
export function assembleAgent(
  emitter: EventEmitter<JobsAgentEvents>,
  agentOptions: AgentOptions,
  dependencies: AgentDependencies,
  lifecycleOptions: LifecycleOptions,
): AgentParts {
  const options = resolveAgentOptions(agentOptions);
  const table = new ExecutionTable();
  const clock = dependencies.clock ?? systemClock;
  const logger = dependencies.logger ?? silentLogger;
  const events = new EventOutlet(emitter, clock, logger);
  const persistence = new CachePersistence({
    thingName: options.thingName,
    cache: dependencies.cache,
    stateFile: options.stateFile,
    table,
    clock,
    onError: (error) => {
      events.error(error);
    },
  });
  // `lifecycle` is built after the session (it needs it); the session calls back only after start().
  const publishChanges = (changes: readonly ExecutionChange[]): void => {
    if (changes.length === 0) return;
    events.changes(changes);
    persistence.changed();
    lifecycle.onChanges(changes);
  };
  const random = dependencies.random ?? Math.random;
  const session = new Session({
    options,
    table,
    clock,
    random,
    randomUUID: dependencies.randomUUID ?? nodeRandomUUID,
    logger,
    transportFactory:
      dependencies.transportFactory ?? selectTransportFactory(options, process.env, { clock, logger }),
    // The HTTP stack loads on the first reconcile, not with the agent (see lazyListSource).
    listSource: dependencies.listSource ?? lazyListSource(options, dependencies, clock, random),
    sink: {
      changes: publishChanges,
      ended: (jobId) => {
        lifecycle.onEnded(jobId);
      },
      nextChanged: (execution) => {
        events.emit('nextExecutionChanged', { execution });
      },
      connected: (sessionPresent) => {
        events.emit('connected', { sessionPresent });
        lifecycle.onConnected();
      },
      disconnected: (reason) => {
        events.emit('disconnected', { reason });
      },
      reconciled: (report) => {
        events.emit('reconciled', report);
      },
      error: (error) => {
        events.error(error);
      },
    },
  });
  const { client, lifecycle } = wireLifecycle({
    thingName: options.thingName,
    namespaceId: options.namespaceId,
    stateFile: options.stateFile,
    table,
    clock,
    random,
    logger,
    retry:
      dependencies.requestRetry ??
      (options.requestRetry ? { ...options.requestRetry, factor: 2 } : DEFAULT_REQUEST_RETRY),
    store: dependencies.lifecycleStore,
    // The `jobs` section of the options, overridden key by key by the constructor argument.
    options: { ...stripUndefined(options.jobs ?? {}), ...stripUndefined(lifecycleOptions) },
    session,
    sink: {
      event: (event, payload) => {
        events.emit(event, payload);
      },
      error: (error) => {
        events.error(error);
      },
    },
  });
  return {
    options,
    table,
    session,
    persistence,
    client,
    lifecycle,
    loadCache: async () => {
      const saved = await persistence.load();
      if (saved.length > 0) publishChanges(session.restore(saved));
    },
  };
}

/** Drops keys whose value is undefined, so a spread cannot erase a value set elsewhere. */
function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
