import type { JobExecution } from '../protocol/types.js';

/** What survives a restart: the thing's executions as last known. */
export interface CacheSnapshot {
  readonly thingName: string;
  readonly executions: readonly JobExecution[];
  /** Epoch ms of the save. */
  readonly savedAt: number;
}

/**
 * Persistence port for the execution cache. The in-memory table is the truth while the agent
 * runs; a cache only loads it at start and stores snapshots of it.
 */
export interface ExecutionCache {
  /** The last saved snapshot, or undefined when there is none. Rejects with CacheError when unreadable or corrupt. */
  load(): Promise<CacheSnapshot | undefined>;
  /** Stores a snapshot atomically. Rejects with CacheError. */
  save(snapshot: CacheSnapshot): Promise<void>;
}
