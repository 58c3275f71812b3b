import { CacheError } from '../errors.js';
import type { CacheSnapshot, ExecutionCache } from './execution-cache.js';
import { readJsonFile, writeFileAtomic } from './json-file.js';
import { loadZod } from '../zod-loader.js';

/**
 * The state file's format version. Bump it when the shape changes incompatibly; a file with
 * another version is refused (and replaced by the next save) rather than misread.
 */
const FORMAT_VERSION = 1;

/**
 * The state file: `{ "version": 1, "thingName": ..., "savedAt": <epoch ms>, "executions": [...] }`.
 * Built (and zod loaded) on the first load, not at import. Unknown keys of a stored execution are
 * dropped, so additive changes keep version 1 readable.
 */
function buildStateFileSchema() {
  const z = loadZod();
  const count = z.number().int().nonnegative();
  const seconds = z.number().nonnegative();
  const storedExecution = z.object({
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
  return z.object({
    version: z.literal(FORMAT_VERSION),
    thingName: z.string().min(1),
    savedAt: z.number().int().nonnegative(),
    executions: z.array(storedExecution),
  });
}

let stateFileSchemaBuilt: ReturnType<typeof buildStateFileSchema> | undefined;

function stateFileSchema(): ReturnType<typeof buildStateFileSchema> {
  stateFileSchemaBuilt ??= buildStateFileSchema();
  return stateFileSchemaBuilt;
}

/** The version, read on its own first, so another format version gets a clear message. */
function versionOf(data: unknown): { readonly found: boolean; readonly version: unknown } {
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    return { found: false, version: undefined };
  return { found: true, version: (data as { version?: unknown }).version };
}

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
    const data = await readJsonFile(path, 'the state file');
    if (data === undefined) return undefined;

    const versioned = versionOf(data);
    if (versioned.found && versioned.version !== FORMAT_VERSION) {
      const { version } = versioned;
      const found =
        version === undefined
          ? 'no format version'
          : `format version ${JSON.stringify(version).slice(0, 40)}`;
      throw new CacheError(`the state file ${path} has ${found}, expected ${FORMAT_VERSION}`, path);
    }
    const parsed = stateFileSchema().safeParse(data);
    if (!parsed.success) {
      throw new CacheError(
        `the state file ${path} does not hold an execution cache: ${loadZod().prettifyError(parsed.error)}`,
        path,
        { cause: parsed.error },
      );
    }
    const { thingName, savedAt, executions } = parsed.data;
    return { thingName, savedAt, executions };
  }

  async save(snapshot: CacheSnapshot): Promise<void> {
    const body = `${JSON.stringify({
      version: FORMAT_VERSION,
      thingName: snapshot.thingName,
      savedAt: snapshot.savedAt,
      executions: snapshot.executions,
    })}\n`;
    await writeFileAtomic(this.#path, body, 'the state file');
  }
}
