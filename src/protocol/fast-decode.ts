import type { ExecutionReply, GetPendingReply, NotifyMessage, NotifyNextMessage } from './messages.js';
import { isJobId } from './names.js';
import { isPlainObject } from './schemas.js';
import { isJobStatus, type ExecutionStatus, type JobExecution, type StatusDetails } from './types.js';

/**
 * Hand-written fast paths for the hot decoders (notify, notify-next, describe and get-pending
 * replies). The zod schemas in schemas.ts are lenient (numeric strings, millisecond timestamps,
 * `null` as absent), and that leniency costs more than the JSON parse itself on every message.
 * These functions accept ONLY payloads already in canonical form, where the schema would
 * neither coerce, transform nor warn, and build the value the schema path would build. For
 * anything else they return `undefined` and the codec falls back to the schemas, so behaviour
 * (values, warnings, errors) is the same either way. Unknown fields are ignored, as the
 * schemas strip them. Pure.
 */

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Above this the schema reads an epoch timestamp as milliseconds; the fast path declines. */
const MILLISECONDS_THRESHOLD = 1e11;

/** A non-negative safe integer (what `z.number().int().nonnegative()` accepts). */
function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** A finite non-negative number. */
function isSeconds(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

/** Epoch seconds the schema would keep unchanged (not read as milliseconds). */
function isTimestamp(value: unknown): value is number {
  return isSeconds(value) && value <= MILLISECONDS_THRESHOLD;
}

/** A known status; an unknown one makes the schema path warn, so it is left to it. */
function isKnownStatus(value: unknown): value is ExecutionStatus {
  return typeof value === 'string' && isJobStatus(value);
}

/**
 * A statusDetails object whose values are all strings, kept by reference (it is a fresh object of
 * the parsed payload, as a kept jobDocument is). A `__proto__` key (which the schema path skips)
 * declines, as does any non-string value.
 */
function readStatusDetails(value: unknown): StatusDetails | undefined {
  if (!isPlainObject(value)) return undefined;
  for (const key in value) {
    if (key === '__proto__' || typeof value[key] !== 'string') return undefined;
  }
  return value as StatusDetails;
}

/**
 * The executions the caller already holds, by job id (e.g. the agent's cache). A notify repeats
 * most of them unchanged; such a summary decodes to the held object itself, see readSummary.
 * `position` is the entry's index in the list it is decoded into, for a caller that remembers
 * the order of the last list (a notify names the same executions in the same order each time).
 */
export type KnownExecutions = (jobId: string, position: number) => JobExecution | undefined;

/**
 * Reads a JobExecutionSummary with the given status; `undefined` to decline. Absent optional
 * fields stay absent; `null` (which the schema reads as absent) declines. A summary identical to
 * a known execution that holds exactly the summary's fields is that execution: the value this
 * function would build is equal to it, and what it holds was validated when it was decoded.
 */
function readSummary(
  wire: unknown,
  status: ExecutionStatus,
  known: KnownExecutions | undefined,
  position: number,
): JobExecution | undefined {
  if (!isPlainObject(wire)) return undefined;
  const jobId = wire['jobId'];
  if (typeof jobId !== 'string') return undefined;
  const held = known?.(jobId, position);
  if (held !== undefined && repeatsSummary(wire, status, held)) return held;
  return isJobId(jobId) ? buildSummary(wire, jobId, status) : undefined;
}

/** Whether `wire` (with `status`) carries exactly the fields of `held`, with identical values. */
function repeatsSummary(
  wire: Readonly<Record<string, unknown>>,
  status: ExecutionStatus,
  held: JobExecution,
): boolean {
  return (
    held.status === status &&
    held.statusDetails === undefined &&
    held.jobDocument === undefined &&
    held.approximateSecondsBeforeTimedOut === undefined &&
    Object.is(wire['queuedAt'], held.queuedAt) &&
    Object.is(wire['lastUpdatedAt'], held.lastUpdatedAt) &&
    Object.is(wire['versionNumber'], held.versionNumber) &&
    Object.is(wire['executionNumber'], held.executionNumber) &&
    Object.is(wire['startedAt'], held.startedAt) &&
    Object.is(wire['retryAttempt'], held.retryAttempt)
  );
}

function buildSummary(
  wire: Readonly<Record<string, unknown>>,
  jobId: string,
  status: ExecutionStatus,
): Mutable<JobExecution> | undefined {
  const execution: Mutable<JobExecution> = { jobId, status };
  const { queuedAt, startedAt, lastUpdatedAt, executionNumber, versionNumber, retryAttempt } = wire;
  if (queuedAt !== undefined) {
    if (!isTimestamp(queuedAt)) return undefined;
    execution.queuedAt = queuedAt;
  }
  if (startedAt !== undefined) {
    if (!isTimestamp(startedAt)) return undefined;
    execution.startedAt = startedAt;
  }
  if (lastUpdatedAt !== undefined) {
    if (!isTimestamp(lastUpdatedAt)) return undefined;
    execution.lastUpdatedAt = lastUpdatedAt;
  }
  if (executionNumber !== undefined) {
    if (!isCount(executionNumber)) return undefined;
    execution.executionNumber = executionNumber;
  }
  if (versionNumber !== undefined) {
    if (!isCount(versionNumber)) return undefined;
    execution.versionNumber = versionNumber;
  }
  if (retryAttempt !== undefined) {
    if (!isCount(retryAttempt)) return undefined;
    execution.retryAttempt = retryAttempt;
  }
  return execution;
}

/**
 * Reads an optional JobExecutionData: `null` for an absent one, `undefined` to decline.
 * `thingName` is checked (the schema would reject a non-string) but dropped, as the codec does.
 */
function readData(wire: unknown): JobExecution | null | undefined {
  if (wire === undefined) return null;
  if (!isPlainObject(wire)) return undefined;
  const status = wire['status'];
  if (!isKnownStatus(status)) return undefined;
  if (typeof wire['jobId'] !== 'string' || !isJobId(wire['jobId'])) return undefined;
  const execution = buildSummary(wire, wire['jobId'], status);
  if (execution === undefined) return undefined;
  const { thingName, statusDetails, jobDocument, approximateSecondsBeforeTimedOut } = wire;
  if (thingName !== undefined && typeof thingName !== 'string') return undefined;
  if (statusDetails !== undefined) {
    const details = readStatusDetails(statusDetails);
    if (details === undefined) return undefined;
    execution.statusDetails = details;
  }
  if (jobDocument !== undefined) {
    // Kept by reference, as the schema path keeps it.
    if (typeof jobDocument !== 'string' && !isPlainObject(jobDocument)) return undefined;
    execution.jobDocument = jobDocument;
  }
  if (approximateSecondsBeforeTimedOut !== undefined) {
    if (!isSeconds(approximateSecondsBeforeTimedOut)) return undefined;
    execution.approximateSecondsBeforeTimedOut = approximateSecondsBeforeTimedOut;
  }
  return execution;
}

/** Reads an optional list of summaries with one status; `undefined` to decline. */
function readSummaries(
  wire: unknown,
  status: ExecutionStatus,
  known: KnownExecutions | undefined,
): JobExecution[] | undefined {
  const executions: JobExecution[] = [];
  return wire === undefined || appendSummaries(wire, status, executions, known) ? executions : undefined;
}

/** Appends a list of summaries with one status to `executions`; false to decline. */
function appendSummaries(
  wire: unknown,
  status: ExecutionStatus,
  executions: JobExecution[],
  known: KnownExecutions | undefined,
): boolean {
  if (!Array.isArray(wire)) return false;
  for (const entry of wire as readonly unknown[]) {
    const execution = readSummary(entry, status, known, executions.length);
    if (execution === undefined) return false;
    executions.push(execution);
  }
  return true;
}

/** A reply's `{ clientToken?, timestamp? }` as the codec copies them; undefined declines. */
function readReplyHeader(
  json: Readonly<Record<string, unknown>>,
): { clientToken?: string; timestamp?: number } | undefined {
  const header: { clientToken?: string; timestamp?: number } = {};
  const clientToken = json['clientToken'];
  if (clientToken !== undefined) {
    if (typeof clientToken !== 'string') return undefined;
    header.clientToken = clientToken;
  }
  const timestamp = json['timestamp'];
  if (timestamp !== undefined) {
    if (!isTimestamp(timestamp)) return undefined;
    header.timestamp = timestamp;
  }
  return header;
}

/** notify (JobExecutionsChanged) in canonical form, or `undefined` to use the schema path. */
export function fastDecodeNotify(
  json: Readonly<Record<string, unknown>>,
  known?: KnownExecutions,
): NotifyMessage | undefined {
  const timestamp = json['timestamp'];
  if (timestamp !== undefined && !isTimestamp(timestamp)) return undefined;
  const jobs = json['jobs'];
  const executions: JobExecution[] = [];
  if (jobs !== undefined) {
    if (!isPlainObject(jobs)) return undefined;
    for (const key of Object.keys(jobs)) {
      if (!isKnownStatus(key)) return undefined;
      // An explicit `undefined` cannot come from JSON; the schema would reject it as not an array.
      if (!appendSummaries(jobs[key], key, executions, known)) return undefined;
    }
  }
  // Built in one literal (no header object spread into it): this runs for every notify.
  return timestamp === undefined ? { executions } : { timestamp, executions };
}

/** notify-next (NextJobExecutionChanged) in canonical form, or `undefined` for the schema path. */
export function fastDecodeNotifyNext(json: Readonly<Record<string, unknown>>): NotifyNextMessage | undefined {
  const timestamp = json['timestamp'];
  if (timestamp !== undefined && !isTimestamp(timestamp)) return undefined;
  const execution = readData(json['execution']);
  if (execution === undefined) return undefined;
  // As for notify: one literal, no header spread.
  return timestamp === undefined ? { execution } : { timestamp, execution };
}

/** {jobId}/get/accepted in canonical form, or `undefined` for the schema path. */
export function fastDecodeDescribeAccepted(
  json: Readonly<Record<string, unknown>>,
): ExecutionReply | undefined {
  const header = readReplyHeader(json);
  if (header === undefined) return undefined;
  const execution = readData(json['execution']);
  if (execution === undefined) return undefined;
  return { ...header, execution };
}

/** get/accepted (GetPendingJobExecutions) in canonical form, or `undefined` for the schema path. */
export function fastDecodeGetPendingAccepted(
  json: Readonly<Record<string, unknown>>,
  known?: KnownExecutions,
): GetPendingReply | undefined {
  const header = readReplyHeader(json);
  if (header === undefined) return undefined;
  const inProgress = readSummaries(json['inProgressJobs'], 'IN_PROGRESS', known);
  if (inProgress === undefined) return undefined;
  const queued = readSummaries(json['queuedJobs'], 'QUEUED', known);
  if (queued === undefined) return undefined;
  return { ...header, inProgress, queued };
}
