import { isTerminalStatus, type JobExecution } from '../protocol/types.js';

/**
 * The result of merging one observation of an execution into what the agent knew.
 * `changed` is false when the merge left the value exactly as it was (deep equality); then
 * `value` is the previous object itself.
 */
export type MergeOutcome =
  | { readonly changed: false; readonly value: JobExecution }
  | {
      readonly changed: true;
      readonly value: JobExecution;
      readonly previous: JobExecution | undefined;
      /** Exactly the fields whose value differs between `previous` and `value`. */
      readonly changedFields: readonly (keyof JobExecution)[];
    };

/**
 * Every field of JobExecution and whether it belongs to the job or to one execution of it.
 * Typed as a Record so adding a field to JobExecution fails to compile until it is listed here.
 */
const FIELD_SCOPES: Readonly<Record<keyof JobExecution, 'job' | 'execution'>> = {
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

const FIELDS = Object.keys(FIELD_SCOPES) as readonly (keyof JobExecution)[];
const JOB_FIELDS = FIELDS.filter((field) => FIELD_SCOPES[field] === 'job');

type Sign = -1 | 0 | 1;

function sign(difference: number): Sign {
  if (difference > 0) return 1;
  if (difference < 0) return -1;
  return 0;
}

/** Compares a field both sides carry; 0 when either lacks it. */
function compareShared(a: number | undefined, b: number | undefined): Sign {
  return a === undefined || b === undefined ? 0 : sign(a - b);
}

/**
 * How far along its life an execution is. Within one execution the status only moves forward:
 * QUEUED → IN_PROGRESS → a terminal status (a device cannot set QUEUED, and a retry is a new
 * executionNumber). Unknown (future) statuses have no rank and are never ordered by status.
 */
function statusRank(status: string): number | undefined {
  if (status === 'QUEUED') return 0;
  if (status === 'IN_PROGRESS') return 1;
  if (isTerminalStatus(status)) return 2;
  return undefined;
}

/**
 * Orders two observations of the same job by recency: 1 when `a` is newer than `b`, -1 when it
 * is older, 0 when neither is (equal, or nothing tells them apart). Sorting ascending with it
 * puts the oldest first.
 *
 * 1. Different executionNumbers (both present): the higher one is newer. This comes before
 *    versionNumber on purpose: versionNumber counts the updates of one execution, so it says
 *    nothing across a re-run; a re-run's fresh QUEUED state (versionNumber 1) must beat the
 *    previous run's last state (say versionNumber 7, FAILED). It also comes before the terminal
 *    rule, or a finished run would hide the re-run that follows it forever.
 * 2. Status progress within one execution: a terminal status is newer than a non-terminal one
 *    (a terminal execution is never reopened by stale data), and IN_PROGRESS is newer than
 *    QUEUED (the service never moves an execution back to QUEUED).
 * 3. versionNumber, when both carry it (HTTP listings do not).
 * 4. lastUpdatedAt, when both carry it.
 * 5. Otherwise equal.
 *
 * For two real observations, versionNumber and lastUpdatedAt never disagree (both grow with every
 * change). They can disagree against a merged value whose fields came from different
 * observations, e.g. lastUpdatedAt from a newer HTTP listing and versionNumber filled in from an
 * older describe. Such a value already holds something newer than the other side, so neither
 * wins (0): the merge then only fills gaps, which keeps merging order-independent.
 */
export function compareRecency(a: JobExecution, b: JobExecution): Sign {
  const byExecution = compareShared(a.executionNumber, b.executionNumber);
  if (byExecution !== 0) return byExecution;

  const byStatus = compareShared(statusRank(a.status), statusRank(b.status));
  if (byStatus !== 0) return byStatus;

  const byVersion = compareShared(a.versionNumber, b.versionNumber);
  const byUpdate = compareShared(a.lastUpdatedAt, b.lastUpdatedAt);
  if (byVersion !== 0 && byUpdate !== 0 && byVersion !== byUpdate) return 0;
  return byVersion !== 0 ? byVersion : byUpdate;
}

/**
 * Merges one observation (`incoming`) of an execution into the current knowledge (`previous`).
 * This is the one rule for every source (notify, notify-next, describe, get, HTTP listings, the
 * cache file): an older state never overwrites a newer one.
 *
 * - Newer incoming, same execution: the fields it carries overwrite, the ones it lacks are kept
 *   (notify summaries carry no jobDocument or statusDetails; HTTP summaries no versionNumber).
 * - Newer incoming, new execution (higher executionNumber): it replaces the execution's fields;
 *   only the job's own fields (jobDocument) are kept when it lacks them. A re-run must not
 *   inherit the previous run's statusDetails, startedAt or retryAttempt.
 * - Older or equal incoming: it only fills fields the current value lacks (from an older
 *   execution, only job fields).
 *
 * Applying any set of observations of one job in any order converges to the same value,
 * provided observations of a job's timeline can be told apart (see compareRecency) and
 * observations of the same state agree on the fields they carry.
 *
 * Pure: throws a TypeError only when called with two different jobIds (a caller bug).
 */
export function mergeExecution(previous: JobExecution | undefined, incoming: JobExecution): MergeOutcome {
  if (previous === undefined) {
    const value = pickPresent(incoming, FIELDS);
    return { changed: true, value, previous: undefined, changedFields: presentFields(value) };
  }
  if (previous.jobId !== incoming.jobId) {
    throw new TypeError(`cannot merge job ${incoming.jobId} into job ${previous.jobId}`);
  }

  const recency = compareRecency(incoming, previous);
  const executionOrder = compareShared(incoming.executionNumber, previous.executionNumber);
  let value: JobExecution;
  if (recency > 0) {
    value =
      executionOrder > 0
        ? { ...pickPresent(previous, JOB_FIELDS), ...pickPresent(incoming, FIELDS) }
        : { ...pickPresent(previous, FIELDS), ...pickPresent(incoming, FIELDS) };
  } else {
    const fillable = executionOrder < 0 ? JOB_FIELDS : FIELDS;
    value = { ...pickPresent(incoming, fillable), ...pickPresent(previous, FIELDS) };
  }

  const changedFields = FIELDS.filter((field) => !isDeepEqual(previous[field], value[field]));
  if (changedFields.length === 0) return { changed: false, value: previous };
  return { changed: true, value, previous, changedFields };
}

/**
 * A copy of `source` with only the listed fields that are present. `undefined` counts as absent,
 * so a value never carries an explicit undefined (exactOptionalPropertyTypes).
 */
function pickPresent(source: JobExecution, fields: readonly (keyof JobExecution)[]): JobExecution {
  const target: Partial<Record<keyof JobExecution, unknown>> = {};
  for (const field of fields) {
    const fieldValue = source[field];
    if (fieldValue !== undefined) target[field] = fieldValue;
  }
  // Each value was copied from the same field of a JobExecution. jobId and status are required
  // and always carried, and every caller that needs them passes FIELDS.
  return target as JobExecution;
}

function presentFields(execution: JobExecution): (keyof JobExecution)[] {
  return FIELDS.filter((field) => execution[field] !== undefined);
}

/** Structural equality for JSON values (statusDetails, jobDocument); key order does not matter. */
export function isDeepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, index) => isDeepEqual(item, b[index]));
  }
  const aRecord = a as Record<string, unknown>;
  const bRecord = b as Record<string, unknown>;
  const aKeys = Object.keys(aRecord);
  if (aKeys.length !== Object.keys(bRecord).length) return false;
  return aKeys.every((key) => Object.hasOwn(bRecord, key) && isDeepEqual(aRecord[key], bRecord[key]));
}
