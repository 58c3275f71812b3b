import type { Checkpoint } from './types.js';

/** How one run of an execution on this device ended. */
export type RunOutcome = 'succeeded' | 'failed' | 'rejected' | 'canceled' | 'timed-out';

/**
 * Where a run stands: `claimed` is written before the IN_PROGRESS update that claims the
 * execution (the handler has not been called), `running` before the handler is first called,
 * `finished` together with the terminal status in the outbox.
 */
export type RunPhase = 'claimed' | 'running' | 'finished';

/**
 * What the device did with one execution (jobId + executionNumber). Written ahead of each step,
 * so a crash at any point leaves a record of how far the execution got on this device.
 */
export interface RunRecord {
  readonly jobId: string;
  readonly executionNumber?: number;
  readonly operation: string;
  readonly phase: RunPhase;
  /** Epoch ms when the run was recorded. */
  readonly startedAt: number;
  readonly checkpoint?: Checkpoint;
  readonly outcome?: RunOutcome;
  readonly finishedAt?: number;
}

/** Finished records kept to recognise stale or duplicate notifications of finished executions. */
export const FINISHED_RECORDS_KEPT = 200;

/** The identity of an execution on the device: a re-run (new executionNumber) is another one. */
export function runKey(jobId: string, executionNumber: number | undefined): string {
  return `${jobId}#${executionNumber === undefined ? '?' : String(executionNumber)}`;
}

/**
 * The run journal: exactly-once bookkeeping. An execution with a record is never started again
 * from scratch; a `running` record found at start-up is an interrupted run (resumed or reported).
 * Pure state; the lifecycle persists it with the outbox.
 */
export class RunJournal {
  readonly #records = new Map<string, RunRecord>();

  constructor(records: readonly RunRecord[] = []) {
    this.replace(records);
  }

  /** Replaces every record (the state loaded at start). */
  replace(records: readonly RunRecord[]): void {
    this.#records.clear();
    for (const record of records) this.#records.set(runKey(record.jobId, record.executionNumber), record);
  }

  get(jobId: string, executionNumber: number | undefined): RunRecord | undefined {
    return this.#records.get(runKey(jobId, executionNumber));
  }

  /**
   * Moves a run to `phase` (`claimed` or `running`), keeping an existing checkpoint and start time.
   * Returns the record as it was before, to undo a claim that never reached the service.
   */
  enter(
    phase: 'claimed' | 'running',
    record: {
      readonly jobId: string;
      readonly executionNumber: number | undefined;
      readonly operation: string;
      readonly startedAt: number;
    },
  ): RunRecord | undefined {
    const key = runKey(record.jobId, record.executionNumber);
    const existing = this.#records.get(key);
    this.#records.set(key, {
      jobId: record.jobId,
      ...(record.executionNumber !== undefined ? { executionNumber: record.executionNumber } : {}),
      operation: record.operation,
      startedAt: existing?.startedAt ?? record.startedAt,
      ...(existing?.checkpoint !== undefined ? { checkpoint: existing.checkpoint } : {}),
      phase,
    });
    return existing;
  }

  /** Puts back what `enter` replaced (or forgets the record when there was none). */
  restore(jobId: string, executionNumber: number | undefined, previous: RunRecord | undefined): void {
    const key = runKey(jobId, executionNumber);
    if (previous === undefined) this.#records.delete(key);
    else this.#records.set(key, previous);
  }

  /** Stores the checkpoint of a running execution; false when it has no running record. */
  checkpoint(jobId: string, executionNumber: number | undefined, checkpoint: Checkpoint): boolean {
    const key = runKey(jobId, executionNumber);
    const record = this.#records.get(key);
    if (record?.phase !== 'running') return false;
    this.#records.set(key, { ...record, checkpoint });
    return true;
  }

  /** Marks the run finished (the checkpoint is dropped) and prunes the oldest finished records. */
  finish(
    jobId: string,
    executionNumber: number | undefined,
    outcome: RunOutcome,
    finishedAt: number,
    operation = '',
  ): void {
    const key = runKey(jobId, executionNumber);
    const record = this.#records.get(key);
    this.#records.delete(key); // re-inserted last: Map order is then finish order
    this.#records.set(key, {
      jobId,
      ...(executionNumber !== undefined ? { executionNumber } : {}),
      operation: record?.operation ?? operation,
      startedAt: record?.startedAt ?? finishedAt,
      phase: 'finished',
      outcome,
      finishedAt,
    });
    this.#prune();
  }

  /** Records of a job that are not finished (claimed or running), any execution number. */
  unfinished(jobId?: string): RunRecord[] {
    return [...this.#records.values()].filter(
      (record) => record.phase !== 'finished' && (jobId === undefined || record.jobId === jobId),
    );
  }

  /** Whether any run is claimed or running (unfinished() without building the list). */
  hasUnfinished(): boolean {
    for (const record of this.#records.values()) if (record.phase !== 'finished') return true;
    return false;
  }

  records(): RunRecord[] {
    return [...this.#records.values()];
  }

  #prune(): void {
    let finished = [...this.#records.values()].filter((record) => record.phase === 'finished').length;
    for (const [key, record] of this.#records) {
      if (finished <= FINISHED_RECORDS_KEPT) return;
      if (record.phase !== 'finished') continue;
      this.#records.delete(key);
      finished -= 1;
    }
  }
}
