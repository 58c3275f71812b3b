import type { ExecutionCache } from './cache/execution-cache.js';
import type { ExecutionTable } from './cache/execution-table.js';
import { FileExecutionCache } from './cache/file-cache.js';
import { SnapshotWriter } from './cache/snapshot-writer.js';
import type { Clock } from './clock.js';
import { CacheError, describeError, isJobsAgentError } from './errors.js';
import type { JobExecution } from './protocol/types.js';

/** How long the snapshot writer waits to coalesce a burst of changes into one write. */
const SAVE_DEBOUNCE_MS = 200;

export interface CachePersistenceOptions {
  readonly thingName: string;
  /** The injected cache, else a FileExecutionCache on `stateFile`, else nothing is persisted. */
  readonly cache: ExecutionCache | undefined;
  readonly stateFile: string | undefined;
  readonly table: ExecutionTable;
  readonly clock: Clock;
  readonly onError: (error: CacheError) => void;
}

/**
 * The execution cache across restarts: loads the last snapshot at start and saves the table,
 * debounced, after changes. A missing, corrupt or foreign state file is reported and the agent
 * starts empty; the next reconcile refills it.
 */
export class CachePersistence {
  readonly #options: CachePersistenceOptions;
  readonly #cache: ExecutionCache | undefined;
  readonly #writer: SnapshotWriter | undefined;

  constructor(options: CachePersistenceOptions) {
    this.#options = options;
    this.#cache =
      options.cache ?? (options.stateFile ? new FileExecutionCache(options.stateFile) : undefined);
    const cache = this.#cache;
    this.#writer = cache
      ? new SnapshotWriter({
          cache,
          clock: options.clock,
          debounceMs: SAVE_DEBOUNCE_MS,
          takeSnapshot: () => ({
            thingName: options.thingName,
            executions: options.table.list(),
            savedAt: options.clock.now(),
          }),
          onError: options.onError,
        })
      : undefined;
  }

  /** The executions saved last time (empty when there are none or they cannot be used). */
  async load(): Promise<readonly JobExecution[]> {
    if (!this.#cache) return [];
    try {
      const snapshot = await this.#cache.load();
      if (!snapshot) return [];
      if (snapshot.thingName !== this.#options.thingName) {
        throw new CacheError(
          `the state file belongs to thing ${snapshot.thingName}, not ${this.#options.thingName}; starting empty`,
        );
      }
      return snapshot.executions;
    } catch (error) {
      this.#options.onError(
        error instanceof CacheError
          ? error
          : new CacheError(describeError(error), undefined, isJobsAgentError(error) ? {} : { cause: error }),
      );
      return [];
    }
  }

  /** Saves soon (coalesced with other changes). */
  changed(): void {
    this.#writer?.requestSave();
  }

  /** Saves what is pending now; the writer is closed afterwards even when the save fails. */
  async close(): Promise<void> {
    try {
      await this.#writer?.flush();
    } finally {
      this.#writer?.close();
    }
  }
}
