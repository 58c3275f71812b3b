import type { EventEmitter } from 'eventemitter3';

/**
 * Resolves with the arguments of the next `event` on a typed eventemitter3 emitter, or rejects
 * after `timeoutMs`. Waiting on events (never sleeping) keeps integration tests fast and stable.
 */
export function nextEvent<T extends object, E extends EventEmitter.EventNames<T>>(
  emitter: EventEmitter<T>,
  event: E,
  timeoutMs = 2_000,
): Promise<EventEmitter.EventArgs<T, E>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      emitter.off(event, listener);
      reject(new Error(`timed out after ${timeoutMs} ms waiting for "${String(event)}"`));
    }, timeoutMs);
    const listener = ((...args: EventEmitter.EventArgs<T, E>) => {
      clearTimeout(timer);
      resolve(args);
    }) as EventEmitter.EventListener<T, E>;
    emitter.once(event, listener);
  });
}

/** The shape waitFor relies on: Node-style `once`/`off`. */
interface LooseEmitter {
  once(event: string, listener: (...args: unknown[]) => void): unknown;
  off(event: string, listener: (...args: unknown[]) => void): unknown;
}

function isLooseEmitter(value: object): value is LooseEmitter {
  return (
    'once' in value && typeof value.once === 'function' && 'off' in value && typeof value.off === 'function'
  );
}

/**
 * The loosely typed sibling of nextEvent, for emitters whose typings `node:events` `once()`
 * rejects (mqtt.js's MqttClient) or whose overloads don't unify (net.Server, aedes). Resolves
 * with the raw argument list.
 */
export function waitFor(emitter: object, event: string, timeoutMs = 2_000): Promise<unknown[]> {
  if (!isLooseEmitter(emitter)) throw new TypeError('waitFor needs an emitter with once() and off()');
  return new Promise((resolve, reject) => {
    const listener = (...args: unknown[]): void => {
      clearTimeout(timer);
      resolve(args);
    };
    const timer = setTimeout(() => {
      emitter.off(event, listener);
      reject(new Error(`timed out after ${timeoutMs} ms waiting for "${event}"`));
    }, timeoutMs);
    emitter.once(event, listener);
  });
}

/**
 * Polls `predicate` every `intervalMs` until it returns true (resolves) or `timeoutMs` passes
 * (rejects, naming `what`). For state with no event to wait on, e.g. a broker-side list.
 */
export async function waitUntil(
  predicate: () => boolean,
  timeoutMs = 2_000,
  what = 'condition',
  intervalMs = 10,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() >= deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
