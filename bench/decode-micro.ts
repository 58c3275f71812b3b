/**
 * In-process micro-benchmark of the hot decoders: the public decoders (fast path for canonical
 * payloads) against the schema-only path they fall back to, with TextDecoder + JSON.parse alone
 * as the floor. Payloads are the bench's own (bench/children/wire.ts), pre-encoded, so only
 * decoding is timed. Run: node --import tsx bench/decode-micro.ts
 */
import {
  decodeNotify,
  decodeNotifyBySchema,
  decodeNotifyNext,
  decodeNotifyNextBySchema,
  type DecodeResult,
} from '../src/protocol/codec.js';
import { notifyBuilder, notifyNextPayload } from './children/wire.js';

const THING = 'bench-thing';
const PAYLOADS = 1000;
const ROUNDS = 7;
const PASSES = 20;

type Decode = (topic: string, payload: Uint8Array) => DecodeResult<unknown>;

const encoder = new TextEncoder();
const nextPayloads = Array.from({ length: PAYLOADS }, (_, i) =>
  encoder.encode(notifyNextPayload(THING, i + 1)),
);
const buildNotify = notifyBuilder();
const notifyPayloads = Array.from({ length: PAYLOADS }, (_, i) => encoder.encode(buildNotify(i + 1)));

const utf8 = new TextDecoder('utf-8', { fatal: true });
const parseOnly: Decode = (_topic, payload) => ({
  ok: true,
  value: JSON.parse(utf8.decode(payload)) as unknown,
  warnings: [],
});

/** Median µs per message over ROUNDS rounds of PASSES passes over the payloads. */
function measure(decode: Decode, topic: string, payloads: readonly Uint8Array[]): number {
  const perMessage: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const start = performance.now();
    for (let pass = 0; pass < PASSES; pass++) {
      for (const payload of payloads) {
        if (!decode(topic, payload).ok) throw new Error('decode failed');
      }
    }
    perMessage.push(((performance.now() - start) * 1000) / (PASSES * payloads.length));
  }
  perMessage.sort((a, b) => a - b);
  return perMessage[Math.floor(ROUNDS / 2)] ?? Number.NaN;
}

const workloads = [
  {
    name: 'notify-next',
    topic: `$aws/things/${THING}/jobs/notify-next`,
    payloads: nextPayloads,
    schema: decodeNotifyNextBySchema,
    fast: decodeNotifyNext,
  },
  {
    name: 'notify (15 entries)',
    topic: `$aws/things/${THING}/jobs/notify`,
    payloads: notifyPayloads,
    schema: decodeNotifyBySchema,
    fast: decodeNotify,
  },
] as const;

for (const workload of workloads) {
  // Warm-up so every path is optimised before it is timed.
  for (const decode of [parseOnly, workload.schema, workload.fast])
    measure(decode, workload.topic, workload.payloads);
  const parse = measure(parseOnly, workload.topic, workload.payloads);
  const schema = measure(workload.schema, workload.topic, workload.payloads);
  const fast = measure(workload.fast, workload.topic, workload.payloads);
  console.log(
    `${workload.name}: JSON.parse ${parse.toFixed(2)} µs, schema path ${schema.toFixed(2)} µs ` +
      `(${(schema / parse).toFixed(2)}x), fast path ${fast.toFixed(2)} µs (${(fast / parse).toFixed(2)}x); ` +
      `fast/schema ${(fast / schema).toFixed(2)}`,
  );
}
