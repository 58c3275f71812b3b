import { isTerminalStatus, type JobStatus, type StatusDetails } from '../protocol/types.js';

/**
 * The data model of the simulated AWS IoT Jobs service and the pure views the device API returns
 * (wire shapes of reference §1.6/§1.7). No I/O, no clock: callers pass times in.
 */

/** A job document as the simulator stores it: a JSON object (MQTT sends it as an object). */
export type SimJobDocument = Readonly<Record<string, unknown>>;

/** A job of the simulated account. */
export interface SimJob {
  readonly jobId: string;
  readonly document: SimJobDocument;
  readonly namespaceId?: string;
  /** Epoch seconds. */
  readonly createdAt: number;
  /** Job-level `timeoutConfig.inProgressTimeoutInMinutes`: starts when an execution goes IN_PROGRESS. */
  readonly inProgressTimeoutInMinutes?: number;
  /** IN_PROGRESS while any execution may still run, CANCELED after CancelJob, COMPLETED when all are terminal. */
  readonly status: 'IN_PROGRESS' | 'CANCELED' | 'COMPLETED';
  readonly targets: readonly string[];
}

/** One job execution (a job on one thing), as the service stores it. */
export interface SimExecution {
  readonly thingName: string;
  readonly jobId: string;
  readonly namespaceId?: string;
  readonly executionNumber: number;
  readonly status: JobStatus;
  readonly statusDetails?: StatusDetails;
  /** Epoch seconds. */
  readonly queuedAt: number;
  readonly startedAt?: number;
  readonly lastUpdatedAt: number;
  readonly versionNumber: number;
  /** Epoch ms at which the step or in-progress timer moves it to TIMED_OUT, when a timer runs. */
  readonly timesOutAtMs?: number;
}

/** Internal mutable record; `order` is the creation sequence that orders the pending queue. */
export interface ExecutionRecord {
  thingName: string;
  jobId: string;
  namespaceId: string | undefined;
  executionNumber: number;
  status: JobStatus;
  statusDetails: StatusDetails | undefined;
  queuedAt: number;
  startedAt: number | undefined;
  lastUpdatedAt: number;
  versionNumber: number;
  order: number;
  stepDeadlineMs: number | undefined;
  inProgressDeadlineMs: number | undefined;
}

/** Whose queue: a thing in the default namespace (`undefined`) or in a named one. */
export interface QueueScope {
  readonly thingName: string;
  readonly namespaceId?: string | undefined;
}

/** `JobExecutionSummary` of get/notify payloads. */
export interface WireExecutionSummary {
  jobId: string;
  queuedAt: number;
  startedAt?: number;
  lastUpdatedAt: number;
  versionNumber: number;
  executionNumber: number;
}

/** `JobExecutionState` of update replies and rejections. */
export interface WireExecutionState {
  status: JobStatus;
  statusDetails?: StatusDetails;
  versionNumber: number;
}

/** `JobExecution` (JobExecutionData) of describe, start-next and notify-next. */
export interface WireExecution extends WireExecutionSummary {
  thingName?: string;
  status: JobStatus;
  statusDetails?: StatusDetails;
  jobDocument?: SimJobDocument;
  approximateSecondsBeforeTimedOut?: number;
}

export function deadlineOf(record: ExecutionRecord): number | undefined {
  const { stepDeadlineMs: step, inProgressDeadlineMs: job } = record;
  if (step === undefined) return job;
  if (job === undefined) return step;
  return Math.min(step, job);
}

export function toSimExecution(record: ExecutionRecord): SimExecution {
  const timesOutAtMs = deadlineOf(record);
  return {
    thingName: record.thingName,
    jobId: record.jobId,
    ...(record.namespaceId !== undefined && { namespaceId: record.namespaceId }),
    executionNumber: record.executionNumber,
    status: record.status,
    ...(record.statusDetails !== undefined && { statusDetails: { ...record.statusDetails } }),
    queuedAt: record.queuedAt,
    ...(record.startedAt !== undefined && { startedAt: record.startedAt }),
    lastUpdatedAt: record.lastUpdatedAt,
    versionNumber: record.versionNumber,
    ...(timesOutAtMs !== undefined && { timesOutAtMs }),
  };
}

export function isPending(record: ExecutionRecord): boolean {
  return record.status === 'QUEUED' || record.status === 'IN_PROGRESS';
}

export function inScope(record: ExecutionRecord, scope: QueueScope): boolean {
  return record.thingName === scope.thingName && record.namespaceId === scope.namespaceId;
}

/**
 * The pending queue in AWS order: IN_PROGRESS executions first, then QUEUED ones, each in
 * creation order (StartNextPendingJobExecution semantics, reference §1.3).
 */
export function pendingQueue(records: Iterable<ExecutionRecord>, scope: QueueScope): ExecutionRecord[] {
  const pending = [...records].filter((r) => isPending(r) && inScope(r, scope));
  const rank = (r: ExecutionRecord): number => (r.status === 'IN_PROGRESS' ? 0 : 1);
  return pending.sort((a, b) => rank(a) - rank(b) || a.order - b.order);
}

export function toSummary(record: ExecutionRecord): WireExecutionSummary {
  return {
    jobId: record.jobId,
    queuedAt: record.queuedAt,
    ...(record.startedAt !== undefined && { startedAt: record.startedAt }),
    lastUpdatedAt: record.lastUpdatedAt,
    versionNumber: record.versionNumber,
    executionNumber: record.executionNumber,
  };
}

export function toExecutionState(record: ExecutionRecord): WireExecutionState {
  return {
    status: record.status,
    ...(record.statusDetails !== undefined && { statusDetails: { ...record.statusDetails } }),
    versionNumber: record.versionNumber,
  };
}

export interface WireExecutionOptions {
  readonly document?: SimJobDocument | undefined;
  readonly includeThingName?: boolean;
  /** Epoch ms, to compute approximateSecondsBeforeTimedOut. */
  readonly nowMs?: number;
}

export function toWireExecution(record: ExecutionRecord, options: WireExecutionOptions = {}): WireExecution {
  const deadline = deadlineOf(record);
  const remaining =
    deadline !== undefined && options.nowMs !== undefined && !isTerminalStatus(record.status)
      ? Math.max(0, Math.ceil((deadline - options.nowMs) / 1000))
      : undefined;
  return {
    jobId: record.jobId,
    ...(options.includeThingName === true && { thingName: record.thingName }),
    ...(options.document !== undefined && { jobDocument: options.document }),
    status: record.status,
    ...(record.statusDetails !== undefined && { statusDetails: { ...record.statusDetails } }),
    queuedAt: record.queuedAt,
    ...(record.startedAt !== undefined && { startedAt: record.startedAt }),
    lastUpdatedAt: record.lastUpdatedAt,
    versionNumber: record.versionNumber,
    executionNumber: record.executionNumber,
    ...(remaining !== undefined && { approximateSecondsBeforeTimedOut: remaining }),
  };
}

/**
 * The `jobs` map of a notify payload: keys are status names, empty statuses omitted, at most
 * `limit` entries in queue order (reference §1.7: 10 in the archived docs, 15 in the live ones).
 */
export function notifyJobsMap(
  queue: readonly ExecutionRecord[],
  limit: number,
): Partial<Record<JobStatus, WireExecutionSummary[]>> {
  const jobs: Partial<Record<JobStatus, WireExecutionSummary[]>> = {};
  for (const record of queue.slice(0, limit)) {
    const list = jobs[record.status] ?? [];
    list.push(toSummary(record));
    jobs[record.status] = list;
  }
  return jobs;
}

const DETAIL_KEY = /^[a-zA-Z0-9:_-]{1,128}$/;
// `[^\p{C}]+`: no control, format, unassigned or private-use characters (botocore model).
const DETAIL_VALUE = /^[^\p{C}]{1,1024}$/u;

/** Returns why `details` breaks the iot-jobs-data `DetailsMap` constraints, or undefined. */
export function statusDetailsProblem(details: Readonly<Record<string, unknown>>): string | undefined {
  for (const [key, value] of Object.entries(details)) {
    if (!DETAIL_KEY.test(key))
      return `statusDetails key "${key.slice(0, 40)}" must match [a-zA-Z0-9:_-]{1,128}`;
    if (typeof value !== 'string') return `statusDetails value of "${key}" must be a string`;
    if (!DETAIL_VALUE.test(value)) {
      return `statusDetails value of "${key}" must be 1-1024 characters without control characters`;
    }
  }
  return undefined;
}
