import { describe, expect, it } from 'vitest';
import type { CacheSnapshot } from '../../../src/cache/execution-cache.js';
import { MemoryExecutionCache } from '../../../src/cache/memory-cache.js';
import { CacheError } from '../../../src/errors.js';

const SNAPSHOT: CacheSnapshot = {
  thingName: 'thing-001',
  savedAt: 1,
  executions: [{ jobId: 'a', status: 'QUEUED' }],
};

describe('MemoryExecutionCache', () => {
  it('starts with the snapshot it was given', async () => {
    await expect(new MemoryExecutionCache(SNAPSHOT).load()).resolves.toEqual(SNAPSHOT);
  });

  it('keeps its own copy of the initial snapshot', async () => {
    const initial = { ...SNAPSHOT, executions: [...SNAPSHOT.executions] };
    const cache = new MemoryExecutionCache(initial);
    initial.executions.length = 0;
    await expect(cache.load()).resolves.toEqual(SNAPSHOT);
  });

  it('rejects with a CacheError when the snapshot is not plain data', async () => {
    const odd = {
      ...SNAPSHOT,
      executions: [{ jobId: 'a', status: 'QUEUED', jobDocument: { run: () => 1 } }],
    };
    await expect(new MemoryExecutionCache().save(odd)).rejects.toBeInstanceOf(CacheError);
  });
});
