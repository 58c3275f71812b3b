import { isTerminalStatus, type JobStatus } from '../protocol/types.js';
import { isPending, type ExecutionRecord } from './jobs-model.js';
import { SimulatorError } from './simulator-error.js';

/**
 * The executions of the simulated service, one record per (thing, job): found by thing and job
 * id, listed in creation order, and the step and in-progress timers running on them. Records are
 * mutable and shared: JobsStore and JobsState change their status in place.
 */
export class ExecutionRecords {
  readonly #byKey = new Map<string, ExecutionRecord>();

  get(thingName: string, jobId: string): ExecutionRecord | undefined {
    return this.#byKey.get(recordKey(thingName, jobId));
  }

  /** The record of `jobId` on `thingName`; a ResourceNotFoundException when there is none. */
  require(thingName: string, jobId: string): ExecutionRecord {
    const record = this.get(thingName, jobId);
    if (!record) {
      throw new SimulatorError(
        'ResourceNotFoundException',
        `no execution of job ${jobId} on thing ${thingName}`,
      );
    }
    return record;
  }

  /** A new QUEUED execution (number 1, version 1) of `jobId` on `thingName`; `at` in epoch seconds. */
  queue(thingName: string, jobId: string, namespaceId: string | undefined, at: number, order: number): void {
    this.#byKey.set(recordKey(thingName, jobId), {
      thingName,
      jobId,
      namespaceId,
      executionNumber: 1,
      status: 'QUEUED',
      statusDetails: undefined,
      queuedAt: at,
      startedAt: undefined,
      lastUpdatedAt: at,
      versionNumber: 1,
      order,
      stepDeadlineMs: undefined,
      inProgressDeadlineMs: undefined,
    });
  }

  delete(thingName: string, jobId: string): void {
    this.#byKey.delete(recordKey(thingName, jobId));
  }

  /** Every record, in creation order. */
  inOrder(): ExecutionRecord[] {
    return [...this.#byKey.values()].sort((a, b) => a.order - b.order);
  }

  /** Whether `jobId` has executions and every one of them is terminal. */
  allTerminal(jobId: string): boolean {
    const own = [...this.#byKey.values()].filter((r) => r.jobId === jobId);
    return own.length > 0 && own.every((r) => isTerminalStatus(r.status));
  }

  /** Epoch ms of the earliest running step/in-progress timer, if any. */
  nextDeadline(): number | undefined {
    let earliest: number | undefined;
    for (const record of this.#byKey.values()) {
      for (const deadline of [record.stepDeadlineMs, record.inProgressDeadlineMs]) {
        if (deadline !== undefined && (earliest === undefined || deadline < earliest)) earliest = deadline;
      }
    }
    return earliest;
  }

  /** Pending executions whose step or in-progress timer has run out at `nowMs`, in creation order. */
  due(nowMs: number): ExecutionRecord[] {
    return this.inOrder().filter((r) => {
      const deadlines = [r.stepDeadlineMs, r.inProgressDeadlineMs].filter((d) => d !== undefined);
      return isPending(r) && deadlines.some((d) => d <= nowMs);
    });
  }
}

/**
 * Sets a service- or device-driven status on `record` at `nowMs`: bumps the version and stamps
 * the update; QUEUED to IN_PROGRESS stamps the start and, with the job's in-progress timeout
 * (minutes), starts that timer; a terminal status stops both timers.
 */
export function setRecordStatus(
  record: ExecutionRecord,
  status: JobStatus,
  nowMs: number,
  inProgressTimeoutInMinutes: number | undefined,
): void {
  const at = Math.floor(nowMs / 1000);
  if (status === 'IN_PROGRESS' && record.status === 'QUEUED') {
    record.startedAt = at;
    if (inProgressTimeoutInMinutes !== undefined) {
      record.inProgressDeadlineMs = nowMs + inProgressTimeoutInMinutes * 60_000;
    }
  }
  record.status = status;
  record.versionNumber += 1;
  record.lastUpdatedAt = at;
  if (isTerminalStatus(status)) {
    record.stepDeadlineMs = undefined;
    record.inProgressDeadlineMs = undefined;
  }
}

/**
 * Why CancelJobExecution may not cancel `record` (AWS: never a terminal execution, an IN_PROGRESS
 * one only with `force`), or undefined.
 */
export function cancelExecutionProblem(record: ExecutionRecord, force: boolean): string | undefined {
  const { status, jobId, thingName } = record;
  if (!isTerminalStatus(status) && (status !== 'IN_PROGRESS' || force)) return undefined;
  const suffix = status === 'IN_PROGRESS' ? ' without force' : '';
  return `cannot cancel the ${status} execution of ${jobId} on ${thingName}${suffix}`;
}

/** Why DeleteJobExecution may not delete `record` (AWS: only a terminal one without `force`), or undefined. */
export function deleteExecutionProblem(record: ExecutionRecord, force: boolean): string | undefined {
  if (isTerminalStatus(record.status) || force) return undefined;
  return `cannot delete the ${record.status} execution of ${record.jobId} on ${record.thingName} without force`;
}

function recordKey(thingName: string, jobId: string): string {
  return `${thingName}\u0000${jobId}`;
}
