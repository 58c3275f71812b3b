import type { JobExecution } from '../protocol/types.js';

/**
 * The fields of a JobExecution, and the field-by-field work the merge does on every message,
 * spelled out field by field. A loop over field names (`execution[field]`) makes every property
 * access a megamorphic keyed one; named reads and writes stay fast, and these run for every entry
 * of every notification. Pure.
 */

/**
 * Every field of JobExecution and whether it belongs to the job or to one execution of it.
 * Typed as a Record so adding a field to JobExecution fails to compile until it is listed here
 * (and then the functions below need it too: the field tests compare them against FIELDS).
 */
export const FIELD_SCOPES: Readonly<Record<keyof JobExecution, 'job' | 'execution'>> = {
  jobId: 'job',
  status: 'execution',
  queuedAt: 'execution',
  startedAt: 'execution',
  lastUpdatedAt: 'execution',
  executionNumber: 'execution',
  versionNumber: 'execution',
  retryAttempt: 'execution',
  statusDetails: 'execution',
  // A job's document cannot be changed after the job is created, so every execution shares it.
  jobDocument: 'job',
  approximateSecondsBeforeTimedOut: 'execution',
};

export const FIELDS = Object.keys(FIELD_SCOPES) as readonly (keyof JobExecution)[];

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * A copy of the known fields `execution` carries, in FIELDS order. `undefined` counts as absent,
 * so a value never carries an explicit undefined (exactOptionalPropertyTypes); unknown extra
 * properties are dropped. Nested values are shared, not copied.
 */
export function copyPresent(execution: JobExecution): JobExecution {
  return overlay(execution, undefined);
}

/**
 * copyPresent(`incoming`), except that a nested value (statusDetails, jobDocument) equal to the
 * one `held` has is that held object: the table's frozen copy is shared instead of replaced.
 */
export function overlay(incoming: JobExecution, held: JobExecution | undefined): JobExecution {
  const value: Mutable<JobExecution> = { jobId: incoming.jobId, status: incoming.status };
  const { queuedAt, startedAt, lastUpdatedAt, executionNumber, versionNumber, retryAttempt } = incoming;
  if (queuedAt !== undefined) value.queuedAt = queuedAt;
  if (startedAt !== undefined) value.startedAt = startedAt;
  if (lastUpdatedAt !== undefined) value.lastUpdatedAt = lastUpdatedAt;
  if (executionNumber !== undefined) value.executionNumber = executionNumber;
  if (versionNumber !== undefined) value.versionNumber = versionNumber;
  if (retryAttempt !== undefined) value.retryAttempt = retryAttempt;
  const { statusDetails, jobDocument, approximateSecondsBeforeTimedOut } = incoming;
  if (statusDetails !== undefined) value.statusDetails = sharedIfEqual(statusDetails, held?.statusDetails);
  if (jobDocument !== undefined) value.jobDocument = sharedIfEqual(jobDocument, held?.jobDocument);
  if (approximateSecondsBeforeTimedOut !== undefined) {
    value.approximateSecondsBeforeTimedOut = approximateSecondsBeforeTimedOut;
  }
  return value;
}

function sharedIfEqual<T>(offered: T, held: T | undefined): T {
  return held !== undefined && isDeepEqual(held, offered) ? held : offered;
}

/** Whether every field `incoming` carries is identical (`Object.is`) to the one `current` holds. */
export function offersOnlyHeldValues(current: JobExecution, incoming: JobExecution): boolean {
  return (
    Object.is(incoming.status, current.status) &&
    offersHeld(incoming.versionNumber, current.versionNumber) &&
    offersHeld(incoming.lastUpdatedAt, current.lastUpdatedAt) &&
    offersHeld(incoming.executionNumber, current.executionNumber) &&
    offersHeld(incoming.queuedAt, current.queuedAt) &&
    offersHeld(incoming.startedAt, current.startedAt) &&
    offersHeld(incoming.retryAttempt, current.retryAttempt) &&
    offersHeld(incoming.approximateSecondsBeforeTimedOut, current.approximateSecondsBeforeTimedOut) &&
    offersHeld(incoming.statusDetails, current.statusDetails) &&
    offersHeld(incoming.jobDocument, current.jobDocument) &&
    Object.is(incoming.jobId, current.jobId)
  );
}

function offersHeld(offered: unknown, held: unknown): boolean {
  return offered === undefined || Object.is(offered, held);
}

/** Whether `incoming` carries every field `current` has (so it can replace it whole). */
export function offersEveryHeldField(current: JobExecution, incoming: JobExecution): boolean {
  return (
    covers(incoming.queuedAt, current.queuedAt) &&
    covers(incoming.startedAt, current.startedAt) &&
    covers(incoming.lastUpdatedAt, current.lastUpdatedAt) &&
    covers(incoming.executionNumber, current.executionNumber) &&
    covers(incoming.versionNumber, current.versionNumber) &&
    covers(incoming.retryAttempt, current.retryAttempt) &&
    covers(incoming.statusDetails, current.statusDetails) &&
    covers(incoming.jobDocument, current.jobDocument) &&
    covers(incoming.approximateSecondsBeforeTimedOut, current.approximateSecondsBeforeTimedOut)
  );
}

function covers(offered: unknown, held: unknown): boolean {
  return held === undefined || offered !== undefined;
}

/**
 * The fields whose values are not identical (`Object.is`), in FIELDS order. Nested values are
 * compared by identity: callers share equal ones first (see overlay).
 */
export function differingFields(before: JobExecution, after: JobExecution): (keyof JobExecution)[] {
  const fields: (keyof JobExecution)[] = [];
  if (!Object.is(before.jobId, after.jobId)) fields.push('jobId');
  if (!Object.is(before.status, after.status)) fields.push('status');
  if (!Object.is(before.queuedAt, after.queuedAt)) fields.push('queuedAt');
  if (!Object.is(before.startedAt, after.startedAt)) fields.push('startedAt');
  if (!Object.is(before.lastUpdatedAt, after.lastUpdatedAt)) fields.push('lastUpdatedAt');
  if (!Object.is(before.executionNumber, after.executionNumber)) fields.push('executionNumber');
  if (!Object.is(before.versionNumber, after.versionNumber)) fields.push('versionNumber');
  if (!Object.is(before.retryAttempt, after.retryAttempt)) fields.push('retryAttempt');
  if (!Object.is(before.statusDetails, after.statusDetails)) fields.push('statusDetails');
  if (!Object.is(before.jobDocument, after.jobDocument)) fields.push('jobDocument');
  if (!Object.is(before.approximateSecondsBeforeTimedOut, after.approximateSecondsBeforeTimedOut)) {
    fields.push('approximateSecondsBeforeTimedOut');
  }
  return fields;
}

/** Structural equality for JSON values (statusDetails, jobDocument); key order does not matter. */
export function isDeepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  const aIsArray = Array.isArray(a);
  if (aIsArray !== Array.isArray(b)) return false;
  if (aIsArray) {
    const aItems = a as readonly unknown[];
    const bItems = b as readonly unknown[];
    if (aItems.length !== bItems.length) return false;
    for (let i = 0; i < aItems.length; i++) if (!isDeepEqual(aItems[i], bItems[i])) return false;
    return true;
  }
  const aRecord = a as Record<string, unknown>;
  const bRecord = b as Record<string, unknown>;
  const aKeys = Object.keys(aRecord);
  if (aKeys.length !== Object.keys(bRecord).length) return false;
  for (const key of aKeys) {
    if (!Object.hasOwn(bRecord, key) || !isDeepEqual(aRecord[key], bRecord[key])) return false;
  }
  return true;
}
