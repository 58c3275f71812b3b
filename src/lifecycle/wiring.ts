import type { ExecutionTable } from '../cache/execution-table.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import { JobsClient } from '../requests/jobs-client.js';
import type { JobsRequester } from '../requests/jobs-requester.js';
import type { RetryPolicy } from '../requests/retry.js';
import { applyObserved, type ExecutionChange } from '../tracking/changes.js';
import { Lifecycle, type LifecycleSink } from './lifecycle.js';
import {
  FileLifecycleStore,
  lifecycleStatePath,
  MemoryLifecycleStore,
  type LifecycleStore,
} from './state-store.js';
import type { LifecycleOptions } from './types.js';

export interface LifecycleWiring {
  readonly thingName: string;
  readonly namespaceId: string | undefined;
  /** The agent's `stateFile`: the lifecycle state goes next to it. */
  readonly stateFile: string | undefined;
  readonly table: ExecutionTable;
  readonly clock: Clock;
  readonly random: () => number;
  readonly logger: Logger;
  readonly retry: RetryPolicy;
  readonly store: LifecycleStore | undefined;
  readonly options: LifecycleOptions;
  /** The session's side: its requester, readiness, and the one path changes take to the agent. */
  readonly session: {
    readonly requester: JobsRequester;
    readonly ready: boolean;
    publish(changes: readonly ExecutionChange[]): void;
  };
  readonly sink: Omit<LifecycleSink, 'changes'>;
}

/**
 * Builds the requests client and the lifecycle for an agent. Every execution a reply reveals is
 * merged into the table and handed to the session, so it comes out as the usual events.
 */
export function wireLifecycle(wiring: LifecycleWiring): { client: JobsClient; lifecycle: Lifecycle } {
  const { session, table, clock } = wiring;
  const client = new JobsClient({
    requester: session.requester,
    namespaceId: wiring.namespaceId,
    clock,
    random: wiring.random,
    retry: wiring.retry,
    observe: (executions, source) => {
      session.publish(applyObserved(table, executions, source, clock.now()));
    },
  });
  const stateFile = wiring.options.stateFile ?? (wiring.stateFile && lifecycleStatePath(wiring.stateFile));
  const lifecycle = new Lifecycle({
    thingName: wiring.thingName,
    table,
    client,
    clock,
    random: wiring.random,
    logger: wiring.logger,
    store:
      wiring.store ??
      (stateFile === undefined ? new MemoryLifecycleStore() : new FileLifecycleStore(stateFile)),
    retry: wiring.retry,
    isReady: () => session.ready,
    options: wiring.options,
    sink: {
      ...wiring.sink,
      changes: (changes) => {
        session.publish(changes);
      },
    },
  });
  return { client, lifecycle };
}
