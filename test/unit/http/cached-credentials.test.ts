import { describe, expect, it } from 'vitest';
import { CachedCredentialsProvider } from '../../../src/http/cached-credentials.js';
import type { AwsCredentials } from '../../../src/http/credentials.js';
import { AbortedError, CredentialsError } from '../../../src/errors.js';
import { ManualClock, flushMicrotasks } from '../../helpers/manual-clock.js';

const HOUR = 3_600_000;
const MINUTE = 60_000;

/** A loader handing out numbered credentials that expire `lifetimeMs` after each fetch (null: never). */
function countingLoader(clock: ManualClock, lifetimeMs: number | null = HOUR) {
  const state = { calls: 0 };
  const load = (): Promise<AwsCredentials> => {
    state.calls++;
    return Promise.resolve({
      accessKeyId: `AKID${state.calls}`,
      secretAccessKey: 'secret',
      sessionToken: 'token',
      ...(lifetimeMs === null ? {} : { expiresAt: clock.now() + lifetimeMs }),
    });
  };
  return { state, load };
}

describe('CachedCredentialsProvider', () => {
  it('fetches once and serves the cache while the credentials are fresh', async () => {
    const clock = new ManualClock();
    const { state, load } = countingLoader(clock);
    const provider = new CachedCredentialsProvider(load, { source: 'test', clock });
    await provider.get();
    clock.advance(HOUR - 5 * MINUTE - 1);
    expect((await provider.get()).accessKeyId).toBe('AKID1');
    expect(state.calls).toBe(1);
  });

  it('refetches from five minutes before expiry', async () => {
    const clock = new ManualClock();
    const { state, load } = countingLoader(clock);
    const provider = new CachedCredentialsProvider(load, { source: 'test', clock });
    await provider.get();
    clock.advance(HOUR - 5 * MINUTE);
    expect((await provider.get()).accessKeyId).toBe('AKID2');
    expect(state.calls).toBe(2);
  });

  it('keeps short-lived credentials for half their lifetime', async () => {
    const clock = new ManualClock();
    const { state, load } = countingLoader(clock, 4 * MINUTE);
    const provider = new CachedCredentialsProvider(load, { source: 'test', clock });
    await provider.get();
    clock.advance(2 * MINUTE - 1);
    await provider.get();
    expect(state.calls).toBe(1);
    clock.advance(1);
    await provider.get();
    expect(state.calls).toBe(2);
  });

  it('never refetches credentials without an expiry', async () => {
    const clock = new ManualClock();
    const { state, load } = countingLoader(clock, null);
    const provider = new CachedCredentialsProvider(load, { source: 'test', clock });
    await provider.get();
    clock.advance(1000 * HOUR);
    await provider.get();
    expect(state.calls).toBe(1);
  });

  it('shares one fetch between concurrent callers', async () => {
    const clock = new ManualClock();
    const { state, load } = countingLoader(clock);
    const provider = new CachedCredentialsProvider(load, { source: 'test', clock });
    const results = await Promise.all([provider.get(), provider.get(), provider.get()]);
    expect(state.calls).toBe(1);
    expect(results.map((c) => c.accessKeyId)).toEqual(['AKID1', 'AKID1', 'AKID1']);
  });

  it('fetches again after invalidate()', async () => {
    const clock = new ManualClock();
    const { load } = countingLoader(clock);
    const provider = new CachedCredentialsProvider(load, { source: 'test', clock });
    await provider.get();
    provider.invalidate();
    expect((await provider.get()).accessKeyId).toBe('AKID2');
  });

  it('does not cache what a fetch started before invalidate() returns', async () => {
    const clock = new ManualClock();
    const { state, load } = countingLoader(clock);
    const provider = new CachedCredentialsProvider(load, { source: 'test', clock });
    const stale = provider.get();
    provider.invalidate();
    await stale;
    expect((await provider.get()).accessKeyId).toBe('AKID2');
    expect(state.calls).toBe(2);
  });

  it('does not cache a failure', async () => {
    const clock = new ManualClock();
    let calls = 0;
    const provider = new CachedCredentialsProvider(
      () => {
        calls++;
        return calls === 1
          ? Promise.reject(new CredentialsError('test', 'HTTP 500'))
          : Promise.resolve({ accessKeyId: 'A', secretAccessKey: 'S' });
      },
      { source: 'test', clock },
    );
    await expect(provider.get()).rejects.toBeInstanceOf(CredentialsError);
    await expect(provider.get()).resolves.toMatchObject({ accessKeyId: 'A' });
  });

  it('wraps a foreign failure in a CredentialsError naming the source', async () => {
    const provider = new CachedCredentialsProvider(() => Promise.reject(new TypeError('boom')), {
      source: 'somewhere',
      clock: new ManualClock(),
    });
    await expect(provider.get()).rejects.toThrow(new CredentialsError('somewhere', 'boom'));
  });

  it('rejects credentials that arrive already expired', async () => {
    const clock = new ManualClock();
    const provider = new CachedCredentialsProvider(
      () => Promise.resolve({ accessKeyId: 'A', secretAccessKey: 'S', expiresAt: clock.now() }),
      { source: 'test', clock },
    );
    await expect(provider.get()).rejects.toThrow(/expired at/);
  });

  it('lets one caller abort its wait while the shared fetch goes on', async () => {
    const clock = new ManualClock();
    let release: (value: AwsCredentials) => void = () => undefined;
    const provider = new CachedCredentialsProvider(
      () =>
        new Promise<AwsCredentials>((resolve) => {
          release = resolve;
        }),
      { source: 'test', clock },
    );
    const controller = new AbortController();
    const aborted = provider.get(controller.signal);
    const patient = provider.get();
    controller.abort();
    await expect(aborted).rejects.toBeInstanceOf(AbortedError);
    release({ accessKeyId: 'A', secretAccessKey: 'S' });
    await flushMicrotasks();
    await expect(patient).resolves.toMatchObject({ accessKeyId: 'A' });
  });
});
