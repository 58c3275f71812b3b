import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CacheSnapshot } from '../../../src/cache/execution-cache.js';
import { FileExecutionCache } from '../../../src/cache/file-cache.js';
import { CacheError } from '../../../src/errors.js';

const SNAPSHOT: CacheSnapshot = {
  thingName: 'thing-001',
  savedAt: 1_700_000_000_000,
  executions: [{ jobId: 'job-1', status: 'QUEUED', queuedAt: 1_700_000_000, versionNumber: 1 }],
};

let directory: string;
let path: string;

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'iot-jobs-agent-file-cache-'));
  path = join(directory, 'executions.json');
});

afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

async function modeOf(target: string): Promise<number> {
  return (await stat(target)).mode & 0o777;
}

async function loadError(cache: FileExecutionCache): Promise<unknown> {
  return cache.load().then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe('FileExecutionCache save', () => {
  it('writes the file with mode 0600', async () => {
    await new FileExecutionCache(path).save(SNAPSHOT);
    expect(await modeOf(path)).toBe(0o600);
  });

  it('leaves a pre-existing 0644 file at 0600', async () => {
    await writeFile(path, '{}');
    await chmod(path, 0o644);
    await new FileExecutionCache(path).save(SNAPSHOT);
    expect(await modeOf(path)).toBe(0o600);
  });

  it('creates a missing parent directory with mode 0700', async () => {
    const nested = join(directory, 'var', 'lib', 'agent', 'executions.json');
    await new FileExecutionCache(nested).save(SNAPSHOT);
    expect(await modeOf(join(directory, 'var', 'lib', 'agent'))).toBe(0o700);
  });

  it('leaves no temporary files behind', async () => {
    const cache = new FileExecutionCache(path);
    await cache.save(SNAPSHOT);
    await cache.save({ ...SNAPSHOT, savedAt: SNAPSHOT.savedAt + 1 });
    expect(await readdir(directory)).toEqual(['executions.json']);
  });

  it('writes the format version 1 next to the snapshot', async () => {
    await new FileExecutionCache(path).save(SNAPSHOT);
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({ version: 1, ...SNAPSHOT });
  });

  it('rejects with a CacheError naming the path when the file cannot be written', async () => {
    await mkdir(path); // a directory where the file should go: rename over it fails
    const error = await new FileExecutionCache(path).save(SNAPSHOT).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CacheError);
    expect(error).toMatchObject({ code: 'ERR_CACHE', path });
    expect((error as Error).message).toContain(path);
  });

  it('cleans up its temporary file when the write fails', async () => {
    await mkdir(path);
    await new FileExecutionCache(path).save(SNAPSHOT).catch(() => undefined);
    expect(await readdir(directory)).toEqual(['executions.json']);
  });
});

describe('FileExecutionCache load', () => {
  it('returns undefined when the parent directory does not exist either', async () => {
    await expect(
      new FileExecutionCache(join(directory, 'missing', 'x.json')).load(),
    ).resolves.toBeUndefined();
  });

  const corrupt: [string, string][] = [
    ['an empty file', ''],
    ['a truncated file', JSON.stringify({ version: 1, ...SNAPSHOT }).slice(0, 40)],
    ['text that is not JSON', 'not json at all'],
    ['JSON that is not an object', '[1,2,3]'],
    ['an object without a version', JSON.stringify(SNAPSHOT)],
    ['another format version', JSON.stringify({ ...SNAPSHOT, version: 2 })],
    [
      'executions of the wrong shape',
      JSON.stringify({ ...SNAPSHOT, version: 1, executions: [{ jobId: 7 }] }),
    ],
    [
      'a negative timestamp',
      JSON.stringify({
        ...SNAPSHOT,
        version: 1,
        executions: [{ jobId: 'a', status: 'QUEUED', queuedAt: -1 }],
      }),
    ],
    [
      'statusDetails that are not strings',
      JSON.stringify({
        ...SNAPSHOT,
        version: 1,
        executions: [{ jobId: 'a', status: 'QUEUED', statusDetails: { a: 1 } }],
      }),
    ],
    ['a missing thingName', JSON.stringify({ version: 1, savedAt: 1, executions: [] })],
  ];

  for (const [name, content] of corrupt) {
    it(`rejects ${name} with a CacheError naming the path`, async () => {
      await writeFile(path, content);
      const error = await loadError(new FileExecutionCache(path));
      expect(error).toBeInstanceOf(CacheError);
      expect(error).toMatchObject({ code: 'ERR_CACHE', path });
      expect((error as Error).message).toContain(path);
    });
  }

  it('names the found format version', async () => {
    await writeFile(path, JSON.stringify({ ...SNAPSHOT, version: 2 }));
    const error = await loadError(new FileExecutionCache(path));
    expect((error as Error).message).toContain('format version 2, expected 1');
  });

  it('rejects an unreadable path (a directory) with a CacheError', async () => {
    await mkdir(path);
    expect(await loadError(new FileExecutionCache(path))).toBeInstanceOf(CacheError);
  });

  it('ignores unknown keys in a version 1 file', async () => {
    const extra = {
      version: 1,
      ...SNAPSHOT,
      comment: 'x',
      executions: [{ ...SNAPSHOT.executions[0], later: true }],
    };
    await writeFile(path, JSON.stringify(extra));
    await expect(new FileExecutionCache(path).load()).resolves.toEqual(SNAPSHOT);
  });

  it('omits absent optional fields instead of setting them to undefined', async () => {
    await new FileExecutionCache(path).save(SNAPSHOT);
    const loaded = await new FileExecutionCache(path).load();
    expect(Object.keys(loaded?.executions[0] ?? {})).toEqual([
      'jobId',
      'status',
      'queuedAt',
      'versionNumber',
    ]);
  });

  it('replaces a corrupt file on the next save', async () => {
    await writeFile(path, '{"version":1,');
    const cache = new FileExecutionCache(path);
    await cache.save(SNAPSHOT);
    await expect(cache.load()).resolves.toEqual(SNAPSHOT);
  });
});
