import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CacheSnapshot, ExecutionCache } from '../../src/cache/execution-cache.js';

/**
 * Makes a fresh, empty cache for one test. `cleanup` (optional) runs after the test. Caches
 * made by calling `reopen` must read what the first one stored (same place).
 */
export interface CacheFixture {
  readonly cache: ExecutionCache;
  readonly reopen: () => ExecutionCache;
  readonly cleanup?: () => Promise<void>;
}

const SNAPSHOT: CacheSnapshot = {
  thingName: 'thing-001',
  savedAt: 1_700_000_000_123,
  executions: [
    {
      jobId: 'job-running',
      status: 'IN_PROGRESS',
      queuedAt: 1_700_000_000,
      startedAt: 1_700_000_010,
      lastUpdatedAt: 1_700_000_020.5,
      executionNumber: 2,
      versionNumber: 3,
      retryAttempt: 1,
      statusDetails: { step: 'download', pct: '40' },
      jobDocument: { operation: 'update', steps: [{ url: 'https://example.com/fw.bin' }] },
      approximateSecondsBeforeTimedOut: 280,
    },
    { jobId: 'job-queued', status: 'QUEUED', queuedAt: 1_700_000_005, jobDocument: 'a document as a string' },
    { jobId: 'job-future', status: 'SOME_FUTURE_STATUS' },
  ],
};

/**
 * The behaviour every ExecutionCache must have (MQTT.js's abstract_store pattern): run it for
 * each implementation with a factory of fresh fixtures.
 */
export function describeExecutionCache(name: string, factory: () => Promise<CacheFixture>): void {
  describe(`ExecutionCache contract: ${name}`, () => {
    let fixture: CacheFixture;

    beforeEach(async () => {
      fixture = await factory();
    });

    afterEach(async () => {
      await fixture.cleanup?.();
    });

    it('loads undefined when nothing was saved', async () => {
      await expect(fixture.cache.load()).resolves.toBeUndefined();
    });

    it('loads what was saved', async () => {
      await fixture.cache.save(SNAPSHOT);
      await expect(fixture.cache.load()).resolves.toEqual(SNAPSHOT);
    });

    it('loads what was saved through another instance on the same store', async () => {
      await fixture.cache.save(SNAPSHOT);
      await expect(fixture.reopen().load()).resolves.toEqual(SNAPSHOT);
    });

    it('keeps only the latest save', async () => {
      await fixture.cache.save(SNAPSHOT);
      const latest: CacheSnapshot = { thingName: 'thing-001', savedAt: SNAPSHOT.savedAt + 1, executions: [] };
      await fixture.cache.save(latest);
      await expect(fixture.cache.load()).resolves.toEqual(latest);
    });

    it('round-trips an empty snapshot', async () => {
      const empty: CacheSnapshot = { thingName: 'thing-001', savedAt: 0, executions: [] };
      await fixture.cache.save(empty);
      await expect(fixture.cache.load()).resolves.toEqual(empty);
    });

    it('is not affected by changes to the saved object after save', async () => {
      const executions = [{ jobId: 'job-1', status: 'QUEUED', statusDetails: { a: '1' } }];
      await fixture.cache.save({ thingName: 'thing-001', savedAt: 1, executions });
      executions[0]!.status = 'FAILED';
      const loaded = await fixture.cache.load();
      expect(loaded?.executions[0]?.status).toBe('QUEUED');
    });

    it('does not share the loaded object between loads', async () => {
      await fixture.cache.save(SNAPSHOT);
      const first = await fixture.cache.load();
      (first?.executions as unknown[]).length = 0;
      await expect(fixture.cache.load()).resolves.toEqual(SNAPSHOT);
    });

    it('saves frozen values, as the execution table hands them out', async () => {
      const frozen = Object.freeze({
        ...SNAPSHOT,
        executions: Object.freeze(SNAPSHOT.executions.map((execution) => Object.freeze({ ...execution }))),
      });
      await fixture.cache.save(frozen);
      await expect(fixture.cache.load()).resolves.toEqual(SNAPSHOT);
    });
  });
}
