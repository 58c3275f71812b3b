import {
  notifyJobsMap,
  pendingQueue,
  toWireExecution,
  type ExecutionRecord,
  type QueueScope,
  type SimJobDocument,
  type WireExecution,
  type WireExecutionSummary,
} from './jobs-model.js';

/**
 * When AWS publishes `notify` and `notify-next` (reference §1.7), as a pure diff of the pending
 * queues before and after a change:
 * - `notify` (the pending list) when an execution is queued, changes status while pending, or
 *   leaves the queue (terminal or deleted). A details-only update changes nothing here.
 * - `notify-next` only when the head of a queue is a different execution ("not sent when only
 *   the next job's details change"); its `execution` is absent when the queue became empty.
 */

/** A notification to publish on the scope's `notify`/`notify-next` topic (or namespaced forms). */
export type JobsNotification =
  | {
      readonly kind: 'notify';
      readonly scope: QueueScope;
      readonly payload: {
        readonly timestamp: number;
        readonly jobs: Partial<Record<string, WireExecutionSummary[]>>;
      };
    }
  | {
      readonly kind: 'notify-next';
      readonly scope: QueueScope;
      readonly payload: { readonly timestamp: number; readonly execution?: WireExecution };
    };

interface QueueSignature {
  readonly scope: QueueScope;
  /** Job ids and statuses of the whole pending queue (uncapped). */
  readonly list: string;
  /** Job id and execution number of the head. */
  readonly head: string;
}

export type QueueSignatures = ReadonlyMap<string, QueueSignature>;

/** Signatures of every (thing, namespace) queue that has executions. */
export function queueSignatures(records: readonly ExecutionRecord[]): QueueSignatures {
  const scopes = new Map<string, QueueScope>();
  for (const r of records) {
    const scope = {
      thingName: r.thingName,
      ...(r.namespaceId !== undefined && { namespaceId: r.namespaceId }),
    };
    scopes.set(`${scope.thingName}\u0000${scope.namespaceId ?? ''}`, scope);
  }
  const signatures = new Map<string, QueueSignature>();
  for (const [key, scope] of scopes) {
    const queue = pendingQueue(records, scope);
    const head = queue[0];
    signatures.set(key, {
      scope,
      list: queue.map((r) => `${r.jobId}:${r.status}`).join(','),
      head: head ? `${head.jobId}#${head.executionNumber}` : '',
    });
  }
  return signatures;
}

export interface NotificationContext {
  /** Epoch seconds for the payloads' `timestamp`. */
  readonly timestamp: number;
  /** Most entries in a notify list. */
  readonly listLimit: number;
  readonly documentOf: (jobId: string) => SimJobDocument | undefined;
}

/**
 * The notifications between two states. A queue that vanished from `after` (its last execution
 * deleted) still counts: its signature is then empty.
 */
export function diffNotifications(
  before: QueueSignatures,
  after: QueueSignatures,
  records: readonly ExecutionRecord[],
  context: NotificationContext,
): JobsNotification[] {
  const notifications: JobsNotification[] = [];
  const keys = new Set([...before.keys(), ...after.keys()]);
  for (const key of keys) {
    const was = before.get(key);
    const now = after.get(key);
    const scope = now?.scope ?? was?.scope;
    if (scope === undefined) continue;
    const queue = pendingQueue(records, scope);
    if ((now?.list ?? '') !== (was?.list ?? '')) {
      const payload = { timestamp: context.timestamp, jobs: notifyJobsMap(queue, context.listLimit) };
      notifications.push({ kind: 'notify', scope, payload });
    }
    if ((now?.head ?? '') !== (was?.head ?? '')) {
      const head = queue[0];
      const execution = head && toWireExecution(head, { document: context.documentOf(head.jobId) });
      notifications.push({
        kind: 'notify-next',
        scope,
        payload: { timestamp: context.timestamp, ...(execution !== undefined && { execution }) },
      });
    }
  }
  return notifications;
}
