import type { z } from 'zod';
import { readJsonFile, writeFileAtomic } from '../cache/json-file.js';
import { CacheError } from '../errors.js';
import { DEVICE_SETTABLE_STATUSES } from '../protocol/types.js';
import { loadZod } from '../zod-loader.js';
import type { RunRecord } from './journal.js';
import type { OutboxEntry } from './outbox.js';
import type { Checkpoint } from './types.js';

/** What the lifecycle keeps across restarts: the run journal (with checkpoints) and the outbox. */
export interface LifecycleSnapshot {
  readonly thingName: string;
  readonly runs: readonly RunRecord[];
  readonly outbox: readonly OutboxEntry[];
  /** Epoch ms of the save. */
  readonly savedAt: number;
}

/** Persistence port for the lifecycle state. */
export interface LifecycleStore {
  /** Rejects with CacheError when the stored state is unreadable or corrupt. */
  load(): Promise<LifecycleSnapshot | undefined>;
  /** Stores atomically; rejects with CacheError. */
  save(snapshot: LifecycleSnapshot): Promise<void>;
}

/** Keeps the state for the life of the process only (no stateFile configured, and tests). */
export class MemoryLifecycleStore implements LifecycleStore {
  #snapshot: LifecycleSnapshot | undefined;

  load(): Promise<LifecycleSnapshot | undefined> {
    return Promise.resolve(this.#snapshot === undefined ? undefined : structuredClone(this.#snapshot));
  }

  save(snapshot: LifecycleSnapshot): Promise<void> {
    this.#snapshot = structuredClone(snapshot);
    return Promise.resolve();
  }
}

const FORMAT_VERSION = 1;
/** The state file's schema, built (and zod loaded) on the first load, not at import. */
function buildFileSchema() {
  const z = loadZod();
  const count = z.number().int().nonnegative();
  const checkpointSchema: z.ZodType<Checkpoint> = z.lazy(() =>
    z.union([
      z.null(),
      z.boolean(),
      z.number(),
      z.string(),
      z.array(checkpointSchema),
      z.record(z.string(), checkpointSchema),
    ]),
  );
  const runSchema = z.object({
    jobId: z.string().min(1),
    executionNumber: count.exactOptional(),
    operation: z.string(),
    phase: z.enum(['claimed', 'running', 'finished']),
    startedAt: count,
    checkpoint: checkpointSchema.exactOptional(),
    outcome: z.enum(['succeeded', 'failed', 'rejected', 'canceled', 'timed-out']).exactOptional(),
    finishedAt: count.exactOptional(),
  });
  const entrySchema = z.object({
    id: z.number().int().positive(),
    jobId: z.string().min(1),
    executionNumber: count.exactOptional(),
    status: z.enum(DEVICE_SETTABLE_STATUSES),
    statusDetails: z.record(z.string(), z.string()).exactOptional(),
    stepTimeoutInMinutes: z.number().int().exactOptional(),
    expectedVersion: count.exactOptional(),
    enqueuedAt: count,
  });
  return z.object({
    version: z.literal(FORMAT_VERSION),
    thingName: z.string().min(1),
    savedAt: count,
    runs: z.array(runSchema),
    outbox: z.array(entrySchema),
  });
}

let fileSchemaBuilt: ReturnType<typeof buildFileSchema> | undefined;

function fileSchema(): ReturnType<typeof buildFileSchema> {
  fileSchemaBuilt ??= buildFileSchema();
  return fileSchemaBuilt;
}

/**
 * The lifecycle state in its own JSON file next to the cache file (the cache's format stays
 * untouched). Same guarantees as FileExecutionCache: owner-only (0600) and atomic (temp file,
 * fsync, rename, directory fsync), so a power cut leaves the old state or the new, never a mix.
 */
export class FileLifecycleStore implements LifecycleStore {
  readonly #path: string;

  constructor(path: string) {
    this.#path = path;
  }

  get path(): string {
    return this.#path;
  }

  async load(): Promise<LifecycleSnapshot | undefined> {
    const path = this.#path;
    const data = await readJsonFile(path, 'the lifecycle state');
    if (data === undefined) return undefined;
    const parsed = fileSchema().safeParse(data);
    if (!parsed.success) {
      throw new CacheError(
        `the lifecycle state ${path} is not valid: ${loadZod().prettifyError(parsed.error)}`,
        path,
        { cause: parsed.error },
      );
    }
    const { thingName, savedAt, runs, outbox } = parsed.data;
    return { thingName, savedAt, runs, outbox };
  }

  async save(snapshot: LifecycleSnapshot): Promise<void> {
    await writeFileAtomic(
      this.#path,
      `${JSON.stringify({ version: FORMAT_VERSION, ...snapshot })}\n`,
      'the lifecycle state',
    );
  }
}

/** `<stateFile minus .json>.lifecycle.json`: next to the cache file, never the same file. */
export function lifecycleStatePath(stateFile: string): string {
  return `${stateFile.endsWith('.json') ? stateFile.slice(0, -5) : stateFile}.lifecycle.json`;
}
