import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CacheError } from '../../../src/errors.js';
import {
  FileLifecycleStore,
  lifecycleStatePath,
  type LifecycleSnapshot,
} from '../../../src/lifecycle/state-store.js';
import { StateWriter } from '../../../src/lifecycle/state-writer.js';
import { flushMicrotasks } from '../../helpers/manual-clock.js';

const snapshot: LifecycleSnapshot = {
  thingName: 'thing-1',
  savedAt: 1,
  runs: [
    {
      jobId: 'j',
      executionNumber: 1,
      operation: 'op',
      phase: 'running',
      startedAt: 1,
      checkpoint: { n: [1, 'a', null] },
    },
  ],
  outbox: [
    {
      id: 1,
      jobId: 'j',
      executionNumber: 1,
      status: 'SUCCEEDED',
      statusDetails: { r: 'ok' },
      expectedVersion: 0,
      enqueuedAt: 2,
    },
  ],
};

describe('FileLifecycleStore', () => {
  const dirs: string[] = [];
  const tempPath = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'lifecycle-store-'));
    dirs.push(dir);
    return join(dir, 'nested', 'jobs.lifecycle.json');
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('round-trips a snapshot in an owner-only file', async () => {
    const path = tempPath();
    const store = new FileLifecycleStore(path);
    await store.save(snapshot);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(await new FileLifecycleStore(path).load()).toEqual(snapshot);
  });

  it('loads nothing when there is no file', async () => {
    expect(await new FileLifecycleStore(tempPath()).load()).toBeUndefined();
  });

  it('refuses a corrupt file with a CacheError naming it', async () => {
    const path = tempPath();
    await new FileLifecycleStore(path).save(snapshot);
    writeFileSync(path, readFileSync(path, 'utf8').slice(0, 40));
    await expect(new FileLifecycleStore(path).load()).rejects.toThrow(CacheError);
    await expect(new FileLifecycleStore(path).load()).rejects.toThrow(path);
  });

  it('names the lifecycle file after the cache file', () => {
    expect(lifecycleStatePath('/var/lib/agent/jobs.json')).toBe('/var/lib/agent/jobs.lifecycle.json');
    expect(lifecycleStatePath('/var/lib/agent/state')).toBe('/var/lib/agent/state.lifecycle.json');
  });
});

describe('StateWriter', () => {
  it('runs one save at a time, and callers during a save share the next one', async () => {
    const saves: (() => void)[] = [];
    let version = 0;
    const stored: number[] = [];
    const writer = new StateWriter(() => {
      const seen = version;
      return new Promise<void>((resolve) => {
        saves.push(() => {
          stored.push(seen);
          resolve();
        });
      });
    });
    version = 1;
    const first = writer.persist();
    version = 2;
    const second = writer.persist();
    version = 3;
    const third = writer.persist();
    expect(saves).toHaveLength(1);
    saves[0]?.();
    await first;
    await flushMicrotasks();
    expect(saves).toHaveLength(2);
    saves[1]?.();
    await Promise.all([second, third]);
    expect(stored).toEqual([1, 3]);
  });

  it('rejects the callers of a failed save and saves again on the next call', async () => {
    let fail = true;
    const writer = new StateWriter(() => (fail ? Promise.reject(new Error('disk full')) : Promise.resolve()));
    await expect(writer.persist()).rejects.toThrow('disk full');
    fail = false;
    await expect(writer.persist()).resolves.toBeUndefined();
  });
});
