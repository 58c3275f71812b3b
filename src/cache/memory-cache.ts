import { CacheError } from '../errors.js';
import type { CacheSnapshot, ExecutionCache } from './execution-cache.js';

/**
 * An ExecutionCache that lives only as long as the process: for tests, and for agents that do not
 * need their state to survive a restart. It keeps a deep copy of what it was given and hands out
 * deep copies, so neither side can change the other's snapshot.
 */
export class MemoryExecutionCache implements ExecutionCache {
  #snapshot: CacheSnapshot | undefined;

  /** Optionally starts with a snapshot, as if it had been saved before. */
  constructor(initial?: CacheSnapshot) {
    this.#snapshot = initial === undefined ? undefined : structuredClone(initial);
  }

  load(): Promise<CacheSnapshot | undefined> {
    return Promise.resolve(this.#snapshot === undefined ? undefined : structuredClone(this.#snapshot));
  }

  save(snapshot: CacheSnapshot): Promise<void> {
    try {
      this.#snapshot = structuredClone(snapshot);
      return Promise.resolve();
    } catch (error) {
      // Only a snapshot holding something that is not plain data (a function, say) gets here.
      return Promise.reject(
        new CacheError('cannot store the snapshot in memory', undefined, { cause: error }),
      );
    }
  }
}
