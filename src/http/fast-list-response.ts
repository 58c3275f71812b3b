import type { JobExecution } from '../protocol/types.js';
import type { ListPage } from './list-response.js';

/**
 * A hand-written reader for ListJobExecutionsForThing pages in the form AWS sends them. Running
 * the zod schema over every summary of a 250-summary page cost more than the HTTP exchange that
 * fetched it. This reader accepts only bodies the schema accepts unchanged and builds exactly
 * the page the schema path builds (property-tested against it); for anything else (a wrong type,
 * a number the schema would refuse) it returns `undefined`, and the schema path decides, so its
 * errors and their wording stay the only ones. Unknown fields are ignored, as the schema strips
 * them; `null` reads as absent, as the schema's `nullish()` does. Pure.
 */
export function fastReadListPage(json: unknown): ListPage | undefined {
  if (!isObject(json)) return undefined;
  const executions = readSummaries(json['executionSummaries']);
  const nextToken = json['nextToken'];
  if (executions === undefined) return undefined;
  if (nextToken !== undefined && nextToken !== null && typeof nextToken !== 'string') return undefined;
  // An empty token ends the listing like a missing one: sending it back would restart it.
  return typeof nextToken === 'string' && nextToken !== '' ? { executions, nextToken } : { executions };
}

// The loop over summaries is a function of its own: the last page's body lacks nextToken, so it
// has another shape than the others, and a loop optimized inside the function that reads the
// body was thrown away and recompiled at that page (V8 "wrong map" deopt) on every listing.
function readSummaries(summaries: unknown): JobExecution[] | undefined {
  if (summaries === undefined || summaries === null) return [];
  if (!Array.isArray(summaries)) return undefined;
  const executions: JobExecution[] = [];
  for (const summary of summaries as readonly unknown[]) {
    const execution = readSummary(summary);
    if (execution === undefined) return undefined;
    executions.push(execution);
  }
  return executions;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function readSummary(wire: unknown): JobExecution | undefined {
  if (!isObject(wire)) return undefined;
  const { jobId, jobExecutionSummary: summary } = wire;
  if (typeof jobId !== 'string' || jobId === '' || !isObject(summary)) return undefined;
  const { status, queuedAt, startedAt, lastUpdatedAt, executionNumber, retryAttempt } = summary;
  if (typeof status !== 'string' || status === '') return undefined;
  // Fields in the order the schema path spreads them, so both build the same object shape.
  const execution: Mutable<JobExecution> = { jobId, status };
  if (queuedAt !== undefined && queuedAt !== null) {
    if (!isFiniteNumber(queuedAt)) return undefined;
    execution.queuedAt = queuedAt;
  }
  if (startedAt !== undefined && startedAt !== null) {
    if (!isFiniteNumber(startedAt)) return undefined;
    execution.startedAt = startedAt;
  }
  if (lastUpdatedAt !== undefined && lastUpdatedAt !== null) {
    if (!isFiniteNumber(lastUpdatedAt)) return undefined;
    execution.lastUpdatedAt = lastUpdatedAt;
  }
  if (executionNumber !== undefined && executionNumber !== null) {
    if (!Number.isSafeInteger(executionNumber)) return undefined;
    execution.executionNumber = executionNumber as number;
  }
  if (retryAttempt !== undefined && retryAttempt !== null) {
    if (!Number.isSafeInteger(retryAttempt)) return undefined;
    execution.retryAttempt = retryAttempt as number;
  }
  return execution;
}

/** What z.object accepts: a non-null, non-array object (JSON.parse makes only plain ones). */
function isObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What z.number accepts: a finite number (JSON.parse turns 1e400 into Infinity, which it refuses). */
function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}
