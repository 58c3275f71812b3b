import type { Clock } from '../clock.js';
import { RejectedError } from '../errors.js';
import type { JobExecution } from '../protocol/types.js';
import { isTerminalStatus } from '../protocol/types.js';
import type { JobsClient } from '../requests/jobs-client.js';
import type { RetryPolicy } from '../requests/retry.js';
import { sendStatusUpdate } from '../requests/status-updater.js';
import type { RunJournal, RunRecord } from './journal.js';
import type { Checkpoint, DocumentValidator, JobHandler } from './types.js';
import { documentObject, operationOf, validateDocument } from './validate.js';

/** A handler as registered with `handle()`. */
export interface RegisteredHandler {
  readonly operation: string;
  readonly handler: JobHandler<unknown>;
  readonly schema: DocumentValidator<unknown> | undefined;
  readonly concurrency: number;
  readonly stepTimeoutInMinutes: number | undefined;
  readonly resumable: boolean;
}

/** What to do with one execution, decided by `prepareRun`. */
export type Preparation =
  /** Nothing to do (`remember`: not worth looking at again until handlers change). */
  | { readonly kind: 'skip'; readonly remember: boolean }
  /** Finish it without running a handler (invalid document, no handler, interrupted). */
  | {
      readonly kind: 'refuse';
      readonly execution: JobExecution;
      readonly operation: string | undefined;
      readonly status: 'REJECTED' | 'FAILED';
      readonly reason: string;
      readonly interrupted: boolean;
    }
  /** An unfinished record whose execution ended (or vanished) while the device was away. */
  | { readonly kind: 'gone'; readonly record: RunRecord; readonly deleted: boolean }
  /** Claimed (IN_PROGRESS accepted): call the handler. */
  | {
      readonly kind: 'run';
      readonly execution: JobExecution;
      readonly registered: RegisteredHandler;
      readonly document: unknown;
      readonly resuming: boolean;
      readonly checkpoint: Checkpoint | undefined;
      /** When the IN_PROGRESS that (re)started the step timer was sent. */
      readonly claimedAtMs: number;
      /** The service's remaining time at describe, when it said (the job's in-progress timeout). */
      readonly hardDeadlineMs: number | undefined;
    };

export interface ClaimContext {
  readonly client: JobsClient;
  readonly journal: RunJournal;
  readonly clock: Clock;
  readonly retry: RetryPolicy;
  readonly unhandledJobs: 'ignore' | 'reject';
  readonly handlerFor: (operation: string | undefined) => RegisteredHandler | undefined;
  /** Whether a handler of `operation` may start now (its own concurrency). */
  readonly canStart: (operation: string) => boolean;
  /** Persists the journal; a failure must stop the run (no write-ahead, no exactly-once). */
  readonly persist: () => Promise<void>;
}

/**
 * Decides and prepares one execution for its handler. The execution is re-read first
 * (DescribeJobExecution: current status, version and document), so a stale or duplicate
 * notification finds it terminal, finished in the journal, or claimed, and runs nothing. A
 * QUEUED execution is claimed with IN_PROGRESS and `expectedVersion` of the version read: of
 * two attempts to claim the same version, one gets VersionMismatch. The journal records the claim
 * before it is sent (write-ahead), so after a crash the device knows the handler never ran.
 *
 * An IN_PROGRESS execution with a `running` record, or with no record at all (a device that lost
 * its state), was interrupted: it is resumed only by a handler declared `resumable`, else it is
 * reported FAILED. Never run again from the start.
 */
export async function prepareRun(jobId: string, context: ClaimContext): Promise<Preparation> {
  const { client, journal, clock } = context;
  const describedAtMs = clock.now();
  const described = await describeOrGone(client, jobId);
  const unfinished = journal.unfinished(jobId);
  const stale = unfinished.find(
    (record) => described.execution?.executionNumber !== record.executionNumber || !isPending(described),
  );
  if (stale) return { kind: 'gone', record: stale, deleted: described.deleted };
  const execution = described.execution;
  // Ended or gone: the table may still say pending (AWS does not say how it ended), so this
  // execution is not looked at again; a re-run has another execution number.
  if (!execution || !isPending(described)) return { kind: 'skip', remember: true };

  const record = journal.get(jobId, execution.executionNumber);
  if (record?.phase === 'finished') return { kind: 'skip', remember: true };
  const document = documentObject(execution.jobDocument);
  const operation = operationOf(document);
  const registered = context.handlerFor(operation);
  const interrupted =
    record?.phase === 'running' || (record === undefined && execution.status === 'IN_PROGRESS');
  const refuse = (status: 'REJECTED' | 'FAILED', reason: string): Preparation => ({
    kind: 'refuse',
    execution,
    operation,
    status,
    reason,
    interrupted,
  });

  if (!registered) {
    if (record !== undefined) {
      return refuse(
        'FAILED',
        `interrupted by an agent restart; no handler for operation ${String(operation)}`,
      );
    }
    if (execution.status === 'QUEUED' && context.unhandledJobs === 'reject') {
      return refuse(
        'REJECTED',
        operation === undefined
          ? 'the job document names no operation'
          : `no handler for operation ${operation} on this device`,
      );
    }
    return { kind: 'skip', remember: true };
  }
  if (!context.canStart(registered.operation)) return { kind: 'skip', remember: false };
  if (interrupted && !registered.resumable) {
    return refuse(
      'FAILED',
      `interrupted by an agent restart; the ${registered.operation} handler does not resume`,
    );
  }
  const validation = await validateDocument(registered.schema, document ?? {});
  if (!validation.ok) return refuse(execution.status === 'QUEUED' ? 'REJECTED' : 'FAILED', validation.reason);

  // Write-ahead: `claimed` says the handler never ran; an interrupted run stays `running`.
  const previous = journal.enter(interrupted ? 'running' : 'claimed', {
    jobId,
    executionNumber: execution.executionNumber,
    operation: registered.operation,
    startedAt: clock.now(),
  });
  try {
    await context.persist();
  } catch (error) {
    journal.restore(jobId, execution.executionNumber, previous);
    throw error;
  }
  const claimedAtMs = clock.now();
  try {
    await sendStatusUpdate(
      client,
      {
        jobId,
        executionNumber: execution.executionNumber,
        status: 'IN_PROGRESS',
        expectedVersion: execution.versionNumber,
        stepTimeoutInMinutes: registered.stepTimeoutInMinutes,
      },
      { retry: context.retry },
    );
  } catch (error) {
    // Refused: the claim never took. A lost reply (timeout, disconnect) keeps the record, so the
    // next attempt still knows whether the handler ever ran.
    if (!(error instanceof RejectedError)) throw error;
    journal.restore(jobId, execution.executionNumber, previous);
    return { kind: 'skip', remember: true };
  }
  const approximate = execution.approximateSecondsBeforeTimedOut;
  return {
    kind: 'run',
    execution,
    registered,
    document: validation.value,
    resuming: interrupted,
    checkpoint: record?.checkpoint,
    claimedAtMs,
    hardDeadlineMs:
      execution.status === 'IN_PROGRESS' && approximate !== undefined
        ? describedAtMs + approximate * 1000
        : undefined,
  };
}

interface Described {
  readonly execution: JobExecution | undefined;
  readonly deleted: boolean;
}

function isPending(described: Described): boolean {
  const status = described.execution?.status;
  return status !== undefined && !isTerminalStatus(status);
}

async function describeOrGone(client: JobsClient, jobId: string): Promise<Described> {
  try {
    const execution = await client.describe(jobId);
    return { execution: execution ?? undefined, deleted: execution === null };
  } catch (error) {
    if (error instanceof RejectedError && error.rejectedCode === 'TerminalStateReached') {
      return { execution: undefined, deleted: false };
    }
    if (error instanceof RejectedError && error.rejectedCode === 'ResourceNotFound') {
      return { execution: undefined, deleted: true };
    }
    throw error;
  }
}
