import type { JobExecution } from '../protocol/types.js';
import {
  FIELDS,
  FIELD_SCOPES,
  copyPresent,
  isDeepEqual,
  differingFields,
  offersEveryHeldField,
  offersOnlyHeldValues,
  overlay,
} from './fields.js';
import { compareShared, recencyKey, sameKey, supersedes, type RecencyKey } from './recency.js';

export { compareRecency, type RecencyKey } from './recency.js';
export { isDeepEqual };

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

/** For each field of a merged value, the recency of the observation the value was taken from. */
export type FieldSources = Readonly<Partial<Record<keyof JobExecution, RecencyKey>>>;

/**
 * A merged value together with where each of its fields came from. A merged value mixes
 * observations (statusDetails from a describe, a later status from a notify summary that carries
 * no statusDetails), so one recency for the whole value cannot say which of its fields a late
 * observation may still improve; per-field sources can. Usually, though, every field came from
 * one observation (a value built from one message, or replaced whole by a newer one): then one
 * `source` stands for all of them, and nothing per field is kept.
 */
export type TrackedExecution =
  | { readonly value: JobExecution; readonly source: RecencyKey; readonly sources?: undefined }
  | { readonly value: JobExecution; readonly sources: FieldSources; readonly source?: undefined };

/** Where `field` of a tracked value came from. */
export function sourceOf(tracked: TrackedExecution, field: keyof JobExecution): RecencyKey {
  if (tracked.source !== undefined) return tracked.source;
  return tracked.sources[field] ?? recencyKey(tracked.value);
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
  if (previous === undefined) {
    const value = copyPresent(incoming);
    return {
      outcome: { changed: true, value, previous: undefined, changedFields: differingFields(NOTHING, value) },
      tracked: { value, source: recencyKey(incoming) },
    };
  }
  if (previous.value.jobId !== incoming.jobId) {
    throw new TypeError(`cannot merge job ${incoming.jobId} into job ${previous.value.jobId}`);
  }
  return (
    mergeRepeated(previous, incoming) ??
    mergeReplacing(previous, incoming) ??
    mergeFieldByField(previous, incoming)
  );
}

/** No field at all: what a first observation is compared against (every field it has is new). */
const NOTHING = {} as JobExecution;

/** The merge rule applied field by field: the general case (mixed sources, re-runs, older data). */
function mergeFieldByField(previous: TrackedExecution, incoming: JobExecution): TrackedMerge {
  const current = previous.value;
  const key = recencyKey(incoming);
  const executionOrder = compareShared(incoming.executionNumber, current.executionNumber);
  const fields: Partial<Record<keyof JobExecution, unknown>> = {};
  const sources: Partial<Record<keyof JobExecution, RecencyKey>> = {};
  // Fields mostly share one source object, so the last verdict is reused (recencyOf is not free).
  let judged: RecencyKey | undefined;
  let judgedSupersedes = false;
  let allFromIncoming = true;
  for (const field of FIELDS) {
    const ofExecution = FIELD_SCOPES[field] === 'execution';
    const held = current[field];
    const keep = !(ofExecution && executionOrder > 0);
    let fieldValue: unknown = keep ? held : undefined;
    let source = fieldValue === undefined ? undefined : sourceOf(previous, field);
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
  }
  // Every value was copied from the same field of a JobExecution; jobId and status always are.
  // Copied once more through copyPresent so that every value in the table is built the same way
  // (one V8 hidden class per set of fields, never shared with the `sources` records built here).
  const merged = copyPresent(fields as JobExecution);
  const changedFields = differingFields(current, merged);
  const value = changedFields.length === 0 ? current : merged;
  const tracked: TrackedExecution = allFromIncoming ? { value, source: key } : { value, sources };
  if (changedFields.length === 0) return { outcome: { changed: false, value: current }, tracked };
  return { outcome: { changed: true, value, previous: current, changedFields }, tracked };
}

/**
 * mergeTracked for callers without sources: every field of `previous` counts as recent as
 * `previous`'s own ordering fields say. Exact when `previous` is one observation; to fold many
 * observations into one value, keep a TrackedExecution (the ExecutionTable does).
 */
export function mergeExecution(previous: JobExecution | undefined, incoming: JobExecution): MergeOutcome {
  const tracked = previous === undefined ? undefined : { value: previous, source: recencyKey(previous) };
  return mergeTracked(tracked, incoming).outcome;
}

/** An existing value whose every field is taken to come from `execution` itself (e.g. a cache file). */
export function trackedFrom(execution: JobExecution): TrackedExecution {
  const value = copyPresent(execution);
  return { value, source: recencyKey(value) };
}

/**
 * Whether `incoming` repeats the one observation every field of `tracked` came from: then the
 * merge changes nothing at all, not even a source (a notify entry that did not change). No
 * allocation: sameKey reads only the ordering fields, so the observation stands in for its key.
 */
export function isRepeat(tracked: TrackedExecution, incoming: JobExecution): boolean {
  return offersOnlyHeldValues(tracked.value, incoming) && repeatsSource(tracked, incoming);
}

function repeatsSource(tracked: TrackedExecution, incoming: JobExecution): boolean {
  return tracked.source !== undefined && sameKey(tracked.source, incoming);
}

/**
 * The commonest case, made cheap: an observation whose every field is identical (`Object.is`) to
 * the known value, such as the unchanged entries of a `notify` list. The value cannot change then
 * (see mergeFieldByField: equal executionNumbers keep every field, and each offered value is the
 * one already held); only sources the observation supersedes advance, and a source equal to the
 * observation's own key is left as it is. Undefined when any offered field differs (or is an
 * object not shared with the known value).
 */
function mergeRepeated(previous: TrackedExecution, incoming: JobExecution): TrackedMerge | undefined {
  const current = previous.value;
  if (!offersOnlyHeldValues(current, incoming)) return undefined;
  const unchanged = { changed: false, value: current } as const;
  if (repeatsSource(previous, incoming)) return { outcome: unchanged, tracked: previous };
  const key = recencyKey(incoming);
  let sources: Partial<Record<keyof JobExecution, RecencyKey>> | undefined;
  for (const field of FIELDS) {
    if (incoming[field] === undefined) continue;
    const source = sourceOf(previous, field);
    if (sameKey(source, key) || !supersedes(key, source)) continue;
    sources ??= sourcesOfEach(previous);
    sources[field] = key;
  }
  return { outcome: unchanged, tracked: sources ? { value: current, sources } : previous };
}

/**
 * The common change, made cheap: a newer observation of the same execution that carries every
 * field the known value has (a notify-next after a notify-next, a describe after a describe),
 * where the value came from one observation. Then every field is the observation's, which the
 * field-by-field rule would also conclude. Undefined otherwise.
 */
function mergeReplacing(previous: TrackedExecution, incoming: JobExecution): TrackedMerge | undefined {
  const current = previous.value;
  if (
    previous.source === undefined ||
    compareShared(incoming.executionNumber, current.executionNumber) !== 0
  ) {
    return undefined;
  }
  if (!offersEveryHeldField(current, incoming)) return undefined;
  const key = recencyKey(incoming);
  if (!supersedes(key, previous.source)) return undefined;
  const value = overlay(incoming, current);
  const changedFields = differingFields(current, value);
  if (changedFields.length === 0) {
    return { outcome: { changed: false, value: current }, tracked: { value: current, source: key } };
  }
  return {
    outcome: { changed: true, value, previous: current, changedFields },
    tracked: { value, source: key },
  };
}

/** The per-field sources of a tracked value, as a fresh record the caller may change. */
function sourcesOfEach(tracked: TrackedExecution): Partial<Record<keyof JobExecution, RecencyKey>> {
  if (tracked.source === undefined) return { ...tracked.sources };
  const sources: Partial<Record<keyof JobExecution, RecencyKey>> = {};
  for (const field of FIELDS) if (tracked.value[field] !== undefined) sources[field] = tracked.source;
  return sources;
}
