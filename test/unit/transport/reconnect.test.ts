import { describe, expect, it, vi } from 'vitest';
import { ConnectError } from '../../../src/errors.js';
import type { BackoffPolicy } from '../../../src/transport/backoff.js';
import { ReconnectLoop } from '../../../src/transport/reconnect.js';
import type { ConnectResult } from '../../../src/transport/transport.js';
import { flushMicrotasks, ManualClock } from '../../helpers/manual-clock.js';

const policy: BackoffPolicy = { initialDelayMs: 100, maxDelayMs: 1_000, factor: 2 };
// random = 0.5 makes every delay half its bound: 50, 100, 200, 400, 500, 500 …

interface Attempt {
  succeed(sessionPresent?: boolean): Promise<void>;
  fail(error?: unknown): Promise<void>;
}

/** A connect() whose every call stays pending until the test settles it. */
function scriptedConnect(): { connect: () => Promise<ConnectResult>; calls: Attempt[] } {
  const calls: Attempt[] = [];
  const connect = (): Promise<ConnectResult> =>
    new Promise<ConnectResult>((resolve, reject) => {
      calls.push({
        async succeed(sessionPresent = false) {
          resolve({ sessionPresent });
          await flushMicrotasks();
        },
        async fail(error: unknown = new ConnectError('mqtts://broker', 'refused')) {
          reject(error instanceof Error ? error : new Error(String(error)));
          await flushMicrotasks();
        },
      });
    });
  return { connect, calls };
}

function setup(overrides: { onConnected?: (r: ConnectResult) => void | Promise<void> } = {}) {
  const clock = new ManualClock();
  const { connect, calls } = scriptedConnect();
  const onConnected = vi.fn(overrides.onConnected ?? (() => undefined));
  const onAttemptFailed = vi.fn();
  const loop = new ReconnectLoop({ connect, clock, random: () => 0.5, policy, onConnected, onAttemptFailed });
  return { clock, calls, loop, onConnected, onAttemptFailed };
}

async function failUntilWaiting(t: ReturnType<typeof setup>, failures: number): Promise<void> {
  for (let i = 0; i < failures; i++) {
    await t.calls.at(-1)!.fail();
    await t.clock.advanceAsync(t.clock.pendingDelays()[0]!);
  }
}

describe('ReconnectLoop', () => {
  it('makes the first attempt immediately on start', () => {
    const t = setup();
    t.loop.start();
    expect(t.calls).toHaveLength(1);
    expect(t.loop.state).toBe('connecting');
  });

  it('reports a successful connect to onConnected with the connect result', async () => {
    const t = setup();
    t.loop.start();
    await t.calls[0]!.succeed(true);
    expect(t.onConnected).toHaveBeenCalledExactlyOnceWith({ sessionPresent: true });
    expect(t.loop.state).toBe('connected');
    expect(t.clock.pending).toBe(0);
  });

  it('reports a failed attempt with its number and the delay before the next one', async () => {
    const t = setup();
    t.loop.start();
    const error = new ConnectError('mqtts://broker', 'refused');
    await t.calls[0]!.fail(error);
    expect(t.onAttemptFailed).toHaveBeenCalledExactlyOnceWith(error, 1, 50);
    expect(t.loop.state).toBe('waiting');
    expect(t.clock.pendingDelays()).toEqual([50]);
  });

  it('waits the full backoff delay before the next attempt', async () => {
    const t = setup();
    t.loop.start();
    await t.calls[0]!.fail();
    await t.clock.advanceAsync(49);
    expect(t.calls).toHaveLength(1);
    await t.clock.advanceAsync(1);
    expect(t.calls).toHaveLength(2);
  });

  it('grows the delay exponentially and caps it while attempts keep failing', async () => {
    const t = setup();
    t.loop.start();
    await failUntilWaiting(t, 6);
    await t.calls.at(-1)!.fail();
    expect(t.onAttemptFailed.mock.calls.map((c: unknown[]) => [c[1], c[2]])).toEqual([
      [1, 50],
      [2, 100],
      [3, 200],
      [4, 400],
      [5, 500],
      [6, 500],
      [7, 500],
    ]);
  });

  it('schedules a reconnect after the first backoff delay when the connection is lost', async () => {
    const t = setup();
    t.loop.start();
    await t.calls[0]!.succeed();
    t.loop.disconnected();
    expect(t.loop.state).toBe('waiting');
    expect(t.clock.pendingDelays()).toEqual([50]);
    await t.clock.advanceAsync(50);
    expect(t.calls).toHaveLength(2);
  });

  it('resets the attempt count after a successful connect', async () => {
    const t = setup();
    t.loop.start();
    await failUntilWaiting(t, 3);
    await t.calls.at(-1)!.succeed();
    expect(t.loop.failedAttempts).toBe(0);
    t.loop.disconnected();
    expect(t.clock.pendingDelays()).toEqual([50]);
    await t.clock.advanceAsync(50);
    await t.calls.at(-1)!.fail();
    expect(t.onAttemptFailed).toHaveBeenLastCalledWith(expect.any(ConnectError), 1, 100);
  });

  it('ignores disconnected() while already waiting for the next attempt', async () => {
    const t = setup();
    t.loop.start();
    await t.calls[0]!.fail();
    t.loop.disconnected();
    expect(t.clock.pendingDelays()).toEqual([50]);
  });

  it('takes over with a backoff delay when disconnected() arrives before start', async () => {
    const t = setup();
    t.loop.disconnected();
    expect(t.loop.state).toBe('waiting');
    expect(t.clock.pendingDelays()).toEqual([50]);
    await t.clock.advanceAsync(50);
    expect(t.calls).toHaveLength(1);
    await t.calls[0]!.succeed();
    expect(t.onConnected).toHaveBeenCalledOnce();
  });

  it('reconnects when the connection was lost while the attempt was completing', async () => {
    const t = setup();
    t.loop.start();
    t.loop.disconnected();
    await t.calls[0]!.succeed();
    expect(t.onConnected).toHaveBeenCalledTimes(1);
    expect(t.loop.state).toBe('waiting');
    await t.clock.advanceAsync(50);
    expect(t.calls).toHaveLength(2);
  });

  it('treats a rejecting onConnected as a failed attempt and retries', async () => {
    const failure = new Error('subscribe refused');
    const t = setup({ onConnected: () => Promise.reject(failure) });
    t.loop.start();
    await t.calls[0]!.succeed();
    expect(t.onAttemptFailed).toHaveBeenCalledExactlyOnceWith(failure, 1, 50);
    expect(t.loop.state).toBe('waiting');
    await t.clock.advanceAsync(50);
    expect(t.calls).toHaveLength(2);
  });

  it('cancels the pending attempt on stop', async () => {
    const t = setup();
    t.loop.start();
    await t.calls[0]!.fail();
    t.loop.stop();
    expect(t.clock.pending).toBe(0);
    await t.clock.advanceAsync(10_000);
    expect(t.calls).toHaveLength(1);
    expect(t.loop.state).toBe('stopped');
  });

  it('ignores the outcome of an attempt still in flight at stop', async () => {
    const t = setup();
    t.loop.start();
    t.loop.stop();
    await t.calls[0]!.succeed();
    expect(t.onConnected).not.toHaveBeenCalled();
    expect(t.loop.state).toBe('stopped');
  });

  it('schedules nothing when an attempt in flight at stop fails', async () => {
    const t = setup();
    t.loop.start();
    t.loop.stop();
    await t.calls[0]!.fail();
    expect(t.onAttemptFailed).not.toHaveBeenCalled();
    expect(t.clock.pending).toBe(0);
  });

  it('ignores disconnected() after stop', async () => {
    const t = setup();
    t.loop.start();
    await t.calls[0]!.succeed();
    t.loop.stop();
    t.loop.disconnected();
    expect(t.clock.pending).toBe(0);
  });

  it('keeps a single attempt in flight when start is called twice', () => {
    const t = setup();
    t.loop.start();
    t.loop.start();
    expect(t.calls).toHaveLength(1);
  });

  it('can start again after stop', async () => {
    const t = setup();
    t.loop.start();
    await t.calls[0]!.fail();
    t.loop.stop();
    t.loop.start();
    expect(t.calls).toHaveLength(2);
    await t.calls[1]!.succeed();
    expect(t.loop.state).toBe('connected');
  });

  it('keeps retrying when onAttemptFailed throws', async () => {
    const t = setup();
    t.onAttemptFailed.mockImplementation(() => {
      throw new Error('listener bug');
    });
    t.loop.start();
    await t.calls[0]!.fail();
    await t.clock.advanceAsync(50);
    expect(t.calls).toHaveLength(2);
  });

  it('counts a connect that throws synchronously as a failed attempt', async () => {
    const clock = new ManualClock();
    const onAttemptFailed = vi.fn();
    const loop = new ReconnectLoop({
      connect: () => {
        throw new Error('sync');
      },
      clock,
      random: () => 0.5,
      policy,
      onConnected: () => undefined,
      onAttemptFailed,
    });
    loop.start();
    await flushMicrotasks();
    expect(onAttemptFailed).toHaveBeenCalledExactlyOnceWith(expect.any(Error), 1, 50);
  });
});
