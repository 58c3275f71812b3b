import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileExecutionCache } from '../../src/cache/file-cache.js';
import { MemoryExecutionCache } from '../../src/cache/memory-cache.js';
import type { CacheSnapshot } from '../../src/cache/execution-cache.js';
import { describeExecutionCache } from './execution-cache.contract.js';

describeExecutionCache('MemoryExecutionCache', () => {
  const cache = new MemoryExecutionCache();
  // A memory cache's store is the instance itself; "reopening" shares it through a wrapper.
  const reopen = () => ({
    load: () => cache.load(),
    save: (snapshot: CacheSnapshot) => cache.save(snapshot),
  });
  return Promise.resolve({ cache, reopen });
});

describeExecutionCache('FileExecutionCache', async () => {
  const directory = await mkdtemp(join(tmpdir(), 'iot-jobs-agent-cache-'));
  const path = join(directory, 'state', 'executions.json');
  return {
    cache: new FileExecutionCache(path),
    reopen: () => new FileExecutionCache(path),
    cleanup: () => rm(directory, { recursive: true, force: true }),
  };
});
