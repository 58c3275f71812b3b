import type { ExecutionTable } from './cache/execution-table.js';
import type { Clock } from './clock.js';
import type { ReconcileReport } from './events.js';
import { NEXT_JOB_ID } from './protocol/names.js';
import { applyListing } from './reconcile/diff.js';
import type { ExecutionListSource } from './reconcile/source.js';
import type { JobsRequester } from './requests/jobs-requester.js';
import { applyObserved, type ExecutionChange } from './tracking/changes.js';

/**
 * The two ways a session learns the thing's whole queue, each turned into table changes and a
 * report: over MQTT (GetPending, then describe `$next` and what awaits confirmation) and over
 * HTTP (a complete ListJobExecutionsForThing listing, the only one that may remove anything).
 */
export interface CatchUpContext {
  readonly table: ExecutionTable;
  readonly clock: Clock;
  /** Hands changes on to the agent, as soon as each step has applied them. */
  readonly publish: (changes: readonly ExecutionChange[]) => void;
}

/** GetPending, then describe `$next` and every execution awaiting confirmation. */
export async function refreshOverMqtt(
  context: CatchUpContext,
  requester: JobsRequester,
  namespaceId: string | undefined,
  confirmUnconfirmed: () => Promise<void>,
): Promise<ReconcileReport> {
  const { table, clock, publish } = context;
  const startedAt = clock.now();
  const pending = await requester.getPending();
  // Publish each step as soon as it is applied: changes merged into the table but never
  // emitted would be lost for good, since later messages would find them already known.
  const changes = applyObserved(table, [...pending.inProgress, ...pending.queued], 'get', clock.now());
  publish(changes);
  const next = await requester.describe(NEXT_JOB_ID, namespaceId);
  if (next) {
    const headChanges = applyObserved(table, [next], 'describe', clock.now());
    publish(headChanges);
    changes.push(...headChanges);
  }
  await confirmUnconfirmed();
  return {
    added: changes.filter((c) => c.kind === 'added').length,
    updated: changes.filter((c) => c.kind === 'updated').length,
    removed: 0,
    total: table.size,
    durationMs: clock.now() - startedAt,
  };
}

/** One complete listing applied to the table (see applyListing for what it may remove). */
export async function reconcileFromListing(
  context: CatchUpContext,
  source: ExecutionListSource,
  signal: AbortSignal,
): Promise<ReconcileReport> {
  const { table, clock, publish } = context;
  const startedAt = clock.now();
  const listing = await source.listAll(signal);
  const result = applyListing(table, listing, startedAt, clock.now());
  publish([
    ...result.added.map((execution): ExecutionChange => ({ kind: 'added', execution, source: 'reconcile' })),
    ...result.updated.map((u): ExecutionChange => ({ kind: 'updated', ...u, source: 'reconcile' })),
    ...result.removed.map((execution): ExecutionChange => ({ kind: 'removed', execution })),
  ]);
  return {
    added: result.added.length,
    updated: result.updated.length,
    removed: result.removed.length,
    total: table.size,
    durationMs: clock.now() - startedAt,
  };
}
