import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { CacheError, describeError } from '../errors.js';

/**
 * The agent's state files (the execution cache, the lifecycle journal and outbox): JSON, owner
 * only, written so that a crash or power cut leaves the old file or the new one, never a mix.
 * `what` names the file in errors ("the state file", "the lifecycle state").
 */

/** The parsed JSON of `path`, or undefined when there is no such file. Throws CacheError. */
export async function readJsonFile(path: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw new CacheError(`cannot read ${what} ${path}: ${describeError(error)}`, path, { cause: error });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new CacheError(`${what} ${path} is not valid JSON (truncated or corrupt)`, path, { cause: error });
  }
}

/**
 * Writes `body` atomically and durably with mode 0600: a fresh `<path>.<random>.tmp`, fsync,
 * rename over `path`, fsync of the directory. A missing parent directory is created (0700).
 * Throws CacheError; the temp file never outlives a failure.
 */
export async function writeFileAtomic(path: string, body: string, what: string): Promise<void> {
  const directory = dirname(path);
  // A fresh name per save: two agents (or a crashed earlier save) never share a temp file.
  const tmpPath = `${path}.${randomBytes(6).toString('hex')}.tmp`;
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
    throw new CacheError(`cannot write ${what} ${path}: ${describeError(error)}`, path, { cause: error });
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
