/**
 * In-process micro-benchmark of everything the agent does with a notification after the
 * transport hands it over: topic parse, decode, merge, change tracking, lifecycle bookkeeping and
 * the events. A loopback transport (no sockets) feeds the bench's own payloads
 * (bench/children/wire.ts) to a real JobsAgent, with TextDecoder + JSON.parse alone as the floor.
 *
 *   node --import tsx bench/agent-micro.ts [next|notify]
 */
import { join } from 'node:path';
import { JobsAgent } from '../src/index.js';
import type { JobsTransport, TransportHandlers } from '../src/transport/transport.js';
import ensureCerts from '../test/helpers/ensure-certs.js';
import { CERTS_DIR } from '../test/helpers/certs.js';
import { notifyBuilder, notifyNextPayload } from './children/wire.js';

const THING = 'bench-thing';
const ROUNDS = 7;
const PER_ROUND = 20_000;

/** Answers every request with an empty accepted reply, so start() completes without a broker. */
function loopbackTransport(
  handlers: TransportHandlers,
): JobsTransport & { readonly handlers: TransportHandlers } {
  const encoder = new TextEncoder();
  return {
    handlers,
    connected: true,
    connect: () => Promise.resolve({ sessionPresent: false }),
    subscribe: () => Promise.resolve(),
    unsubscribe: () => Promise.resolve(),
    close: () => Promise.resolve(),
    publish: (topic, payload) => {
      const { clientToken } = JSON.parse(payload) as { clientToken?: string };
      const reply = topic.endsWith('/jobs/get')
        ? { clientToken, inProgressJobs: [], queuedJobs: [], timestamp: 1 }
        : { clientToken, timestamp: 1 };
      queueMicrotask(() => {
        handlers.onMessage(`${topic}/accepted`, encoder.encode(JSON.stringify(reply)));
      });
      return Promise.resolve();
    },
  };
}

async function startAgent(): Promise<{
  agent: JobsAgent;
  feed: (topic: string, payload: Uint8Array) => void;
  seen: () => number;
}> {
  let transport: ReturnType<typeof loopbackTransport> | undefined;
  const agent = new JobsAgent(
    {
      thingName: THING,
      mqtt: {
        url: 'mqtts://localhost:1',
        caFile: join(CERTS_DIR, 'ca.pem'),
        certFile: join(CERTS_DIR, 'device.pem'),
        keyFile: join(CERTS_DIR, 'device.key'),
      },
    },
    {
      transportFactory: (handlers) => (transport = loopbackTransport(handlers)),
    },
  );
  let events = 0;
  agent.on('executionAdded', () => events++);
  agent.on('executionUpdated', () => events++);
  agent.on('error', ({ message }) => {
    throw new Error(message);
  });
  await agent.start();
  const handlers = transport?.handlers;
  if (!handlers) throw new Error('no transport');
  return { agent, feed: (topic, payload) => handlers.onMessage(topic, payload), seen: () => events };
}

const encoder = new TextEncoder();
function payloads(workload: 'next' | 'notify', count: number, first: number): Uint8Array[] {
  const build = workload === 'next' ? (seq: number) => notifyNextPayload(THING, seq) : notifyBuilder();
  return Array.from({ length: count }, (_, i) => encoder.encode(build(first + i)));
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
/** Keeps the floor's parse results in use, so the JIT cannot drop the parse. */
let parsedTimestamps = 0;
await ensureCerts();
const only = process.argv[2];
for (const workload of ['next', 'notify'] as const) {
  if (only !== undefined && only !== workload) continue;
  const topic = `$aws/things/${THING}/jobs/${workload === 'next' ? 'notify-next' : 'notify'}`;
  const { agent, feed, seen } = await startAgent();
  const floor: number[] = [];
  const full: number[] = [];
  let seq = 1;
  for (let round = 0; round < ROUNDS; round++) {
    const batch = payloads(workload, PER_ROUND, seq);
    seq += PER_ROUND;
    let start = performance.now();
    for (const payload of batch) {
      parsedTimestamps += (JSON.parse(utf8.decode(payload)) as { timestamp: number }).timestamp;
      await Promise.resolve();
    }
    floor.push(((performance.now() - start) * 1000) / PER_ROUND);
    const before = seen();
    start = performance.now();
    // One await per message: what the agent schedules on a microtask runs per message, as it
    // does when every message arrives in its own socket read.
    for (const payload of batch) {
      feed(topic, payload);
      await Promise.resolve();
    }
    await new Promise((resolve) => setImmediate(resolve));
    full.push(((performance.now() - start) * 1000) / PER_ROUND);
    if (seen() - before < PER_ROUND)
      throw new Error(`only ${seen() - before} events for ${PER_ROUND} messages`);
  }
  await agent.stop();
  const median = (values: number[]): number =>
    values.sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
  const f = median(floor);
  const a = median(full);
  console.log(
    `${workload}: JSON.parse ${f.toFixed(2)} µs, agent ${a.toFixed(2)} µs per message (${(a / f).toFixed(2)}x the parse)`,
  );
}
if (!Number.isFinite(parsedTimestamps)) throw new Error('the floor parsed nothing');
