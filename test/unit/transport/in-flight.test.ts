import { describe, expect, it } from 'vitest';

import { ClosedError, TimeoutError, TransportError } from '../../../src/errors.js';
import { InFlight } from '../../../src/transport/in-flight.js';

const never = (): Promise<never> => new Promise<never>(() => undefined);

describe('InFlight', () => {
  it('resolves with what the operation resolves with', async () => {
    const inFlight = new InFlight();
    await expect(inFlight.run('publish to a', 'conn', (c) => Promise.resolve(`${c}:ok`))).resolves.toBe(
      'conn:ok',
    );
  });

  it('rejects with a TransportError without calling the operation when not connected', async () => {
    const inFlight = new InFlight();
    let called = false;
    const running = inFlight.run('publish to a', undefined, () => {
      called = true;
      return Promise.resolve();
    });
    await expect(running).rejects.toThrow(new TransportError('cannot publish to a: not connected'));
    expect(called).toBe(false);
  });

  it('wraps a library failure in a TransportError naming the operation', async () => {
    const inFlight = new InFlight();
    const cause = new Error('socket hang up');
    const error: unknown = await inFlight
      .run('subscribe to a/b', 'conn', () => Promise.reject(cause))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect(error).toMatchObject({ message: 'cannot subscribe to a/b: socket hang up', cause });
  });

  it('passes an agent error through unchanged', async () => {
    const inFlight = new InFlight();
    const timeout = new TimeoutError('publish', 1_000);
    await expect(inFlight.run('publish to a', 'conn', () => Promise.reject(timeout))).rejects.toBe(timeout);
  });

  it('rejects every pending operation with the error given to rejectAll', async () => {
    const inFlight = new InFlight();
    const first = inFlight.run('publish to a', 'conn', never);
    const second = inFlight.run('publish to b', 'conn', never);
    const closed = new ClosedError('closed before the broker acknowledged');
    inFlight.rejectAll(closed);
    await expect(first).rejects.toBe(closed);
    await expect(second).rejects.toBe(closed);
  });

  it('counts an operation only while it awaits its ack', async () => {
    const inFlight = new InFlight();
    let ack = (): void => undefined;
    const running = inFlight.run(
      'publish to a',
      'conn',
      () =>
        new Promise<void>((resolve) => {
          ack = resolve;
        }),
    );
    expect(inFlight.size).toBe(1);
    ack();
    await running;
    expect(inFlight.size).toBe(0);
  });

  it('forgets the rejected operations', () => {
    const inFlight = new InFlight();
    inFlight.run('publish to a', 'conn', never).catch(() => undefined);
    inFlight.rejectAll(new TransportError('lost'));
    expect(inFlight.size).toBe(0);
  });
});
