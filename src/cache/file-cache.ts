import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { CacheError, describeError } from '../errors.js';
import type { CacheSnapshot, ExecutionCache } from './execution-cache.js';

/**
 * The state file's format version. Bump it when the shape changes incompatibly; a file with
 * another version is refused (and replaced by the next save) rather than misread.
 */
const FORMAT_VERSION = 1;

const count = z.number().int().nonnegative();
const seconds = z.number().nonnegative();

/** One execution as stored. Unknown keys are dropped, so additive changes keep version 1 readable. */
const StoredExecutionSchema = z.object({
  jobId: z.string().min(1),
  status: z.string().min(1),
  queuedAt: seconds.exactOptional(),
  startedAt: seconds.exactOptional(),
  lastUpdatedAt: seconds.exactOptional(),
  executionNumber: count.exactOptional(),
  versionNumber: count.exactOptional(),
  retryAttempt: count.exactOptional(),
  statusDetails: z.record(z.string(), z.string()).exactOptional(),
  jobDocument: z.union([z.string(), z.record(z.string(), z.unknown())]).exactOptional(),
  approximateSecondsBeforeTimedOut: seconds.exactOptional(),
});

/**
 * The state file: `{ "version": 1, "thingName": ..., "savedAt": <epoch ms>, "executions": [...] }`.
 * The version is checked on its own first, so a file from another format version gets a clear
 * message instead of a list of shape errors.
 */
const VersionSchema = z.object({ version: z.unknown() });
const StateFileSchema = z.object({
  version: z.literal(FORMAT_VERSION),
  thingName: z.string().min(1),
  savedAt: z.number().int().nonnegative(),
  executions: z.array(StoredExecutionSchema),
});

/**
 * An ExecutionCache in one JSON file, readable and writable by the owner only (0600).
 *
 * `save` is atomic and durable: it writes `<path>.<random>.tmp`, fsyncs it, renames it over
 * `path` and fsyncs the directory, so a crash or power cut leaves either the old file or the new
 * one, never a torn mix. A missing parent directory is created (0700). `load` refuses (with a
 * CacheError naming the path) anything unreadable, truncated, not JSON or of the wrong shape;
 * the agent reports that and starts empty.
 */
export class FileExecutionCache implements ExecutionCache {
  readonly #path: string;

  constructor(path: string) {
    this.#path = path;
  }

  /** The state file's path. */
  get path(): string {
    return this.#path;
  }

  async load(): Promise<CacheSnapshot | undefined> {
    const path = this.#path;
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return undefined;
      throw new CacheError(`cannot read the state file ${path}: ${describeError(error)}`, path, {
        cause: error,
      });
    }

    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (error) {
      throw new CacheError(`the state file ${path} is not valid JSON (truncated or corrupt)`, path, {
        cause: error,
      });
    }

    const versioned = VersionSchema.safeParse(data);
    if (versioned.success && versioned.data.version !== FORMAT_VERSION) {
      const { version } = versioned.data;
      const found =
        version === undefined
          ? 'no format version'
          : `format version ${JSON.stringify(version).slice(0, 40)}`;
      throw new CacheError(`the state file ${path} has ${found}, expected ${FORMAT_VERSION}`, path);
    }
    const parsed = StateFileSchema.safeParse(data);
    if (!parsed.success) {
      throw new CacheError(
        `the state file ${path} does not hold an execution cache: ${z.prettifyError(parsed.error)}`,
        path,
        { cause: parsed.error },
      );
    }
    const { thingName, savedAt, executions } = parsed.data;
    return { thingName, savedAt, executions };
  }

  async save(snapshot: CacheSnapshot): Promise<void> {
    const path = this.#path;
    const directory = dirname(path);
    // A fresh name per save: two agents (or a crashed earlier save) never share a temp file.
    const tmpPath = `${path}.${randomBytes(6).toString('hex')}.tmp`;
    const body = `${JSON.stringify({
      version: FORMAT_VERSION,
      thingName: snapshot.thingName,
      savedAt: snapshot.savedAt,
      executions: snapshot.executions,
    })}\n`;
    try {
      await mkdir(directory, { recursive: true, mode: 0o700 });
      // 'wx': never follow or reuse something already at the temp path.
      const handle = await open(tmpPath, 'wx', 0o600);
      try {
        // The umask can only narrow the mode given to open; chmod makes it exactly 0600.
        await handle.chmod(0o600);
        await handle.writeFile(body, 'utf8');
        await handle.sync();
      } finally {
        await handle.close();
      }
      // rename replaces the old file's inode, so a looser mode on the old file does not survive.
      await rename(tmpPath, path);
      await syncDirectory(directory);
    } catch (error) {
      await rm(tmpPath, { force: true }).catch(() => undefined);
      throw new CacheError(`cannot write the state file ${path}: ${describeError(error)}`, path, {
        cause: error,
      });
    }
  }
}

/** Makes the rename itself durable: without it a power cut can bring the old entry back. */
async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}
