import type { JobExecution } from '../protocol/types.js';

/**
 * How the execution table makes the values it stores its own: copied or adopted, then deeply
 * frozen, so no caller can change the table's state behind its back.
 */

/**
 * What apply() may do with the nested values of an observation: `copy` them (the default: the
 * caller may still hold them), or `adopt` them, frozen in place, when the caller gives the
 * observation away (a freshly decoded notification nobody else sees).
 */
export type Ownership = 'copy' | 'adopt';

/** A private copy, so a caller mutating what it passed in cannot reach the table. */
export function ownCopy(execution: JobExecution): JobExecution {
  return structuredClone(execution);
}

/**
 * Makes a freshly merged value the table's own, in place, then freezes it: nested values not yet
 * frozen (new ones from the caller; held ones the merge kept are frozen already) are copied, or
 * adopted, and frozen. A frozen value (an unchanged entry) is left as it is. statusDetails and
 * jobDocument are the only fields that can hold objects (the type says so, and every source
 * validates it), so only they are looked at.
 */
export function own(value: JobExecution, ownership: Ownership): void {
  if (Object.isFrozen(value)) return;
  const fields = value as Mutable<JobExecution>;
  const { statusDetails, jobDocument } = fields;
  if (statusDetails !== undefined && !Object.isFrozen(statusDetails)) {
    fields.statusDetails = frozenOwn(statusDetails, ownership);
  }
  if (typeof jobDocument === 'object' && !Object.isFrozen(jobDocument)) {
    fields.jobDocument = frozenOwn(jobDocument, ownership);
  }
  Object.freeze(value);
}

function frozenOwn<T>(nested: T, ownership: Ownership): T {
  // copyJson returns the same JSON shape it was given.
  return deepFreeze(ownership === 'adopt' ? nested : (copyJson(nested) as T));
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** A deep copy of a JSON value (plain objects and arrays); anything else goes to structuredClone. */
function copyJson(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(copyJson);
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return structuredClone(value);
  const copy: Record<string, unknown> = {};
  for (const [key, nested] of Object.entries(value)) {
    // JSON.parse makes "__proto__" an own key; plain assignment would set the prototype instead.
    if (key === '__proto__') {
      Object.defineProperty(copy, key, {
        value: copyJson(nested),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    } else {
      copy[key] = copyJson(nested);
    }
  }
  return copy;
}

/** Freezes `value` and everything inside it; frozen parts (already the table's) are skipped. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const nested of Object.values(value)) deepFreeze(nested);
  }
  return value;
}
