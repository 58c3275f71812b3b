import type { JobExecution } from '../protocol/types.js';
import { compareShared, recencyKey, sameKey, supersedes, type RecencyKey } from './recency.js';

export { compareRecency, type RecencyKey } from './recency.js';

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

/** For each field of a merged value, the recency of the observation the value was taken from. */
export type FieldSources = Readonly<Partial<Record<keyof JobExecution, RecencyKey>>>;

/**
 * A merged value together with where each of its fields came from. A merged value mixes
 * observations (statusDetails from a describe, a later status from a notify summary that carries
 * no statusDetails), so one recency for the whole value cannot say which of its fields a late
 * observation may still improve; per-field sources can.
 */
export interface TrackedExecution {
  readonly value: JobExecution;
  readonly sources: FieldSources;
  /**
   * Set when every field of `value` came from this one observation (the usual case: a value
   * built from one message, or fully overwritten by a newer one). Lets a repeat of that
   * observation be recognised without looking at the sources field by field.
   */
  readonly uniformSource?: RecencyKey;
}

export interface TrackedMerge {
  readonly outcome: MergeOutcome;
  /** The state to pass to the next merge; its sources may advance even when nothing changed. */
  readonly tracked: TrackedExecution;
}

/**
 * Merges one observation (`incoming`) of a job's execution into what is known (`previous`).
 * This is the one rule for every source (notify, notify-next, describe, get, HTTP listings, the
 * cache file): an older state never overwrites a newer one. Field by field:
 *
 * - A field the current value lacks is filled from any observation (of the current execution).
 * - A field it has is overwritten when the incoming observation is newer than the observation
 *   that field came from, or describes the same state (equal ordering fields; a describe of
 *   version 2 may carry the statusDetails a notify summary of version 2 left out). An older or
 *   unorderable observation never overwrites.
 * - So a newer observation overwrites the fields it carries and keeps the ones it lacks (notify
 *   summaries carry no jobDocument or statusDetails; HTTP summaries no versionNumber).
 * - A higher executionNumber is a new execution (a re-run): it drops the previous execution's
 *   fields, keeping only the job's own (jobDocument), so a re-run never inherits the previous
 *   run's statusDetails, startedAt or retryAttempt. An older execution only fills job fields.
 *
 * Merging any set of observations of one job, in any order, converges to the same value
 * (per field: the value from the newest observation carrying it, within the newest execution),
 * provided every two observations of one execution share an ordering field (versionNumber or
 * lastUpdatedAt) or differ in status progress, re-runs carry their executionNumber, and
 * observations of one state agree on the fields they carry. Where they cannot be ordered, the
 * first arrival's values stay.
 *
 * Pure: throws a TypeError only when the jobIds differ (a caller bug).
 */
export function mergeTracked(previous: TrackedExecution | undefined, incoming: JobExecution): TrackedMerge {
  if (previous !== undefined) {
    if (previous.value.jobId !== incoming.jobId) {
      throw new TypeError(`cannot merge job ${incoming.jobId} into job ${previous.value.jobId}`);
    }
    const repeated = mergeRepeated(previous, incoming);
    if (repeated) return repeated;
  }
  const key = recencyKey(incoming);
  if (previous === undefined) {
    const value = pickPresent(incoming, FIELDS);
    const changedFields = presentFields(value);
    return {
      outcome: { changed: true, value, previous: undefined, changedFields },
      tracked: { value, sources: sourcesOf(value, key), uniformSource: key },
    };
  }

  const current = previous.value;
  const executionOrder = compareShared(incoming.executionNumber, current.executionNumber);
  const fields: Partial<Record<keyof JobExecution, unknown>> = {};
  const sources: Partial<Record<keyof JobExecution, RecencyKey>> = {};
  const changedFields: (keyof JobExecution)[] = [];
  // Fields mostly share one source object, so the last verdict is reused (recencyOf is not free).
  let judged: RecencyKey | undefined;
  let judgedSupersedes = false;
  let allFromIncoming = true;
  for (const field of FIELDS) {
    const ofExecution = FIELD_SCOPES[field] === 'execution';
    const held = current[field];
    const keep = !(ofExecution && executionOrder > 0);
    let fieldValue: unknown = keep ? held : undefined;
    let source = fieldValue === undefined ? undefined : (previous.sources[field] ?? recencyKey(current));
    const offered = incoming[field];
    if (offered !== undefined && !(ofExecution && executionOrder < 0)) {
      if (source !== undefined && source !== judged) {
        judged = source;
        judgedSupersedes = supersedes(key, source);
      }
      if (source === undefined || judgedSupersedes) {
        // A nested value equal to the held one stays the held (frozen, shared) object.
        fieldValue = held !== undefined && isDeepEqual(held, offered) ? held : offered;
        source = key;
      }
    }
    if (fieldValue !== undefined && source !== undefined) {
      fields[field] = fieldValue;
      sources[field] = source;
      if (source !== key) allFromIncoming = false;
    }
    if (!Object.is(fieldValue, held)) changedFields.push(field);
  }
  // Every value was copied from the same field of a JobExecution; jobId and status always are.
  const value = fields as JobExecution;
  const uniformSource = allFromIncoming ? key : undefined;
  if (changedFields.length === 0) {
    const tracked = uniformSource ? { value: current, sources, uniformSource } : { value: current, sources };
    return { outcome: { changed: false, value: current }, tracked };
  }
  const tracked = uniformSource ? { value, sources, uniformSource } : { value, sources };
  return { outcome: { changed: true, value, previous: current, changedFields }, tracked };
}

/**
 * mergeTracked for callers without sources: every field of `previous` counts as recent as
 * `previous`'s own ordering fields say. Exact when `previous` is one observation; to fold many
 * observations into one value, keep a TrackedExecution (the ExecutionTable does).
 */
export function mergeExecution(previous: JobExecution | undefined, incoming: JobExecution): MergeOutcome {
  const tracked =
    previous === undefined
      ? undefined
      : { value: previous, sources: sourcesOf(previous, recencyKey(previous)) };
  return mergeTracked(tracked, incoming).outcome;
}

/** An existing value whose every field is taken to come from `execution` itself (e.g. a cache file). */
export function trackedFrom(execution: JobExecution): TrackedExecution {
  const value = pickPresent(execution, FIELDS);
  const key = recencyKey(value);
  return { value, sources: sourcesOf(value, key), uniformSource: key };
}

/**
 * The common case, made cheap: an observation whose every field is identical (`Object.is`) to the
 * known value, such as the unchanged entries of a `notify` list. The value cannot change then (see
 * the loop in mergeTracked: equal executionNumbers keep every field, and each offered value is the
 * one already held); only sources the observation supersedes advance, and a source equal to the
 * observation's own key is left as it is. Undefined when any offered field differs (or is an
 * object not shared with the known value): the full merge decides.
 */
function mergeRepeated(previous: TrackedExecution, incoming: JobExecution): TrackedMerge | undefined {
  const current = previous.value;
  if (!offersOnlyHeldValues(current, incoming)) return undefined;
  const unchanged = { changed: false, value: current } as const;
  // A repeat of the observation every field came from advances nothing. (sameKey reads only the
  // ordering fields, so the observation itself stands in for its key: nothing is allocated.)
  if (previous.uniformSource !== undefined && sameKey(previous.uniformSource, incoming)) {
    return { outcome: unchanged, tracked: previous };
  }
  const key = recencyKey(incoming);
  let sources: Partial<Record<keyof JobExecution, RecencyKey>> | undefined;
  for (const field of FIELDS) {
    if (incoming[field] === undefined) continue;
    const source = previous.sources[field] ?? recencyKey(current);
    if (sameKey(source, key) || !supersedes(key, source)) continue;
    sources ??= { ...previous.sources };
    sources[field] = key;
  }
  return { outcome: unchanged, tracked: sources ? { value: current, sources } : previous };
}

/**
 * Whether every field `incoming` carries is identical (`Object.is`) to the one `current` holds.
 * Spelled out field by field: this runs for every entry of every notify, and named property
 * reads stay fast where a loop over field names would not.
 */
function offersOnlyHeldValues(current: JobExecution, incoming: JobExecution): boolean {
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
    offersHeld(incoming.jobDocument, current.jobDocument)
  );
}

function offersHeld(offered: unknown, held: unknown): boolean {
  return offered === undefined || Object.is(offered, held);
}

function sourcesOf(value: JobExecution, key: RecencyKey): FieldSources {
  const sources: Partial<Record<keyof JobExecution, RecencyKey>> = {};
  for (const field of presentFields(value)) sources[field] = key;
  return sources;
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
