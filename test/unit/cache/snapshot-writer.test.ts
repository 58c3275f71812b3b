import { describe, expect, it } from 'vitest';
import type { CacheSnapshot, ExecutionCache } from '../../../src/cache/execution-cache.js';
import { SnapshotWriter } from '../../../src/cache/snapshot-writer.js';
import { CacheError } from '../../../src/errors.js';
import { flushMicrotasks, ManualClock } from '../../helpers/manual-clock.js';

const DEBOUNCE_MS = 100;

/** A cache whose saves complete only when the test says so. */
class ControlledCache implements ExecutionCache {
  readonly saved: CacheSnapshot[] = [];
  /** Saves started and not yet completed. */
  readonly running: { readonly resolve: () => void; readonly reject: (error: Error) => void }[] = [];
  maxConcurrent = 0;
  autoComplete = true;

  load(): Promise<CacheSnapshot | undefined> {
    return Promise.resolve(this.saved.at(-1));
  }

  save(snapshot: CacheSnapshot): Promise<void> {
    if (this.autoComplete) {
      this.saved.push(snapshot);
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const entry = {
        resolve: () => {
          this.running.splice(this.running.indexOf(entry), 1);
          this.saved.push(snapshot);
          resolve();
        },
        reject: (error: Error) => {
          this.running.splice(this.running.indexOf(entry), 1);
          reject(error);
        },
      };
      this.running.push(entry);
      this.maxConcurrent = Math.max(this.maxConcurrent, this.running.length);
    });
  }
}

function setup() {
  const clock = new ManualClock();
  const cache = new ControlledCache();
  const errors: CacheError[] = [];
  let generation = 0;
  const writer = new SnapshotWriter({
    cache,
    clock,
    debounceMs: DEBOUNCE_MS,
    takeSnapshot: () => ({
      thingName: 'thing-001',
      savedAt: clock.now(),
      executions: [{ jobId: `gen-${generation}`, status: 'QUEUED' }],
    }),
    onError: (error) => errors.push(error),
  });
  return {
    clock,
    cache,
    errors,
    writer,
    bump: () => {
      generation += 1;
      writer.requestSave();
    },
  };
}

function savedGenerations(cache: ControlledCache): string[] {
  return cache.saved.map((snapshot) => snapshot.executions[0]?.jobId ?? '?');
}

describe('SnapshotWriter', () => {
  it('saves nothing before the debounce delay', async () => {
    const { clock, cache, writer } = setup();
    writer.requestSave();
    await clock.advanceAsync(DEBOUNCE_MS - 1);
    expect(cache.saved).toHaveLength(0);
  });

  it('coalesces many requests within the delay into one save of the latest state', async () => {
    const { clock, cache, bump } = setup();
    bump();
    await clock.advanceAsync(30);
    bump();
    await clock.advanceAsync(30);
    bump();
    await clock.advanceAsync(DEBOUNCE_MS);
    expect(savedGenerations(cache)).toEqual(['gen-3']);
  });

  it('saves at most debounceMs after the first request even when requests keep coming', async () => {
    const { clock, cache, bump } = setup();
    for (let i = 0; i < 5; i++) {
      bump();
      await clock.advanceAsync(DEBOUNCE_MS / 4);
    }
    expect(cache.saved.map((snapshot) => snapshot.savedAt - 1_700_000_000_000)).toEqual([DEBOUNCE_MS]);
  });

  it('stamps the snapshot when the save starts', async () => {
    const { clock, cache, writer } = setup();
    writer.requestSave();
    await clock.advanceAsync(DEBOUNCE_MS);
    expect(cache.saved[0]?.savedAt).toBe(1_700_000_000_000 + DEBOUNCE_MS);
  });

  it('never runs two saves at once', async () => {
    const { clock, cache, bump } = setup();
    cache.autoComplete = false;
    bump();
    await clock.advanceAsync(DEBOUNCE_MS);
    bump();
    await clock.advanceAsync(DEBOUNCE_MS * 5);
    expect([cache.running.length, cache.maxConcurrent]).toEqual([1, 1]);
  });

  it('makes exactly one more save after a save during which requests arrived', async () => {
    const { clock, cache, bump } = setup();
    cache.autoComplete = false;
    bump();
    await clock.advanceAsync(DEBOUNCE_MS);
    bump();
    bump();
    bump();
    cache.running[0]!.resolve();
    await clock.advanceAsync(DEBOUNCE_MS);
    cache.running[0]?.resolve();
    await clock.advanceAsync(DEBOUNCE_MS * 5);
    expect(savedGenerations(cache)).toEqual(['gen-1', 'gen-4']);
  });

  it('makes no further save when nothing was requested during a save', async () => {
    const { clock, cache, bump } = setup();
    bump();
    await clock.advanceAsync(DEBOUNCE_MS * 10);
    expect([cache.saved.length, clock.pending]).toEqual([1, 0]);
  });

  it('reports a failed background save through onError as a CacheError', async () => {
    const { clock, cache, errors, writer } = setup();
    cache.autoComplete = false;
    writer.requestSave();
    await clock.advanceAsync(DEBOUNCE_MS);
    cache.running[0]!.reject(new Error('disk full'));
    await flushMicrotasks();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(CacheError);
    expect(errors[0]?.message).toContain('disk full');
  });

  it('passes a CacheError from the cache through unchanged', async () => {
    const { clock, cache, errors, writer } = setup();
    cache.autoComplete = false;
    writer.requestSave();
    await clock.advanceAsync(DEBOUNCE_MS);
    const original = new CacheError('cannot write the state file /x', '/x');
    cache.running[0]!.reject(original);
    await flushMicrotasks();
    expect(errors).toEqual([original]);
  });

  it('does not retry a failed save on its own', async () => {
    const { clock, cache, writer } = setup();
    cache.autoComplete = false;
    writer.requestSave();
    await clock.advanceAsync(DEBOUNCE_MS);
    cache.running[0]!.reject(new Error('disk full'));
    await clock.advanceAsync(DEBOUNCE_MS * 10);
    expect([cache.running.length, clock.pending]).toEqual([0, 0]);
  });

  it('reports a throwing takeSnapshot as a CacheError', async () => {
    const clock = new ManualClock();
    const errors: CacheError[] = [];
    const writer = new SnapshotWriter({
      cache: new ControlledCache(),
      clock,
      debounceMs: DEBOUNCE_MS,
      takeSnapshot: () => {
        throw new Error('boom');
      },
      onError: (error) => errors.push(error),
    });
    writer.requestSave();
    await clock.advanceAsync(DEBOUNCE_MS);
    expect(errors.map((error) => error.code)).toEqual(['ERR_CACHE']);
  });

  it('survives an onError callback that throws', async () => {
    const clock = new ManualClock();
    const cache = new ControlledCache();
    cache.autoComplete = false;
    const writer = new SnapshotWriter({
      cache,
      clock,
      debounceMs: DEBOUNCE_MS,
      takeSnapshot: () => ({ thingName: 't', savedAt: 0, executions: [] }),
      onError: () => {
        throw new Error('listener bug');
      },
    });
    writer.requestSave();
    await clock.advanceAsync(DEBOUNCE_MS);
    cache.running[0]!.reject(new Error('disk full'));
    await flushMicrotasks();
    cache.autoComplete = true;
    writer.requestSave();
    await clock.advanceAsync(DEBOUNCE_MS);
    expect(cache.saved).toHaveLength(1);
  });

  describe('flush', () => {
    it('saves a pending request at once', async () => {
      const { clock, cache, writer } = setup();
      writer.requestSave();
      await writer.flush();
      expect([cache.saved.length, clock.pending]).toEqual([1, 0]);
    });

    it('does nothing when nothing is pending', async () => {
      const { cache, writer } = setup();
      await writer.flush();
      expect(cache.saved).toHaveLength(0);
    });

    it('waits for a save in flight and then saves what was requested meanwhile', async () => {
      const { clock, cache, bump, writer } = setup();
      cache.autoComplete = false;
      bump();
      await clock.advanceAsync(DEBOUNCE_MS);
      bump();
      let flushed = false;
      const flushing = writer.flush().then(() => {
        flushed = true;
      });
      await flushMicrotasks();
      expect(flushed).toBe(false);
      cache.running[0]!.resolve();
      await flushMicrotasks();
      cache.running[0]!.resolve();
      await flushing;
      expect([savedGenerations(cache), cache.maxConcurrent, clock.pending]).toEqual([
        ['gen-1', 'gen-2'],
        1,
        0,
      ]);
    });

    it('waits for a save in flight when nothing else is pending', async () => {
      const { clock, cache, writer } = setup();
      cache.autoComplete = false;
      writer.requestSave();
      await clock.advanceAsync(DEBOUNCE_MS);
      const flushing = writer.flush();
      cache.running[0]!.resolve();
      await flushing;
      expect(cache.saved).toHaveLength(1);
    });

    it('rejects with the CacheError of its own save instead of calling onError', async () => {
      const { cache, errors, writer } = setup();
      cache.autoComplete = false;
      writer.requestSave();
      const flushing = writer.flush();
      await flushMicrotasks();
      cache.running[0]!.reject(new Error('disk full'));
      await expect(flushing).rejects.toBeInstanceOf(CacheError);
      expect(errors).toHaveLength(0);
    });

    it('retries after a failed save even without a new request', async () => {
      const { clock, cache, writer } = setup();
      cache.autoComplete = false;
      writer.requestSave();
      await clock.advanceAsync(DEBOUNCE_MS);
      cache.running[0]!.reject(new Error('disk full'));
      await flushMicrotasks();
      cache.autoComplete = true;
      await writer.flush();
      expect(cache.saved).toHaveLength(1);
    });
  });

  describe('close', () => {
    it('cancels a scheduled save', async () => {
      const { clock, cache, writer } = setup();
      writer.requestSave();
      writer.close();
      await clock.advanceAsync(DEBOUNCE_MS * 2);
      expect([cache.saved.length, clock.pending]).toEqual([0, 0]);
    });

    it('ignores requests after close', async () => {
      const { clock, cache, writer } = setup();
      writer.close();
      writer.requestSave();
      await clock.advanceAsync(DEBOUNCE_MS * 2);
      expect(cache.saved).toHaveLength(0);
    });

    it('lets flush store what was pending before close', async () => {
      const { cache, writer } = setup();
      writer.requestSave();
      await writer.flush();
      writer.close();
      expect(cache.saved).toHaveLength(1);
    });
  });
});
