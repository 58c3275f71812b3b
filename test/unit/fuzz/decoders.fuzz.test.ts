import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ExecutionTable } from '../../../src/cache/execution-table.js';
import { decodeNotify, decodeNotifyNext } from '../../../src/protocol/codec.js';
import { parseJobsTopic } from '../../../src/protocol/topics.js';
import { fuzzMessages } from './payloads.js';

/**
 * The same 10,000 hostile messages the integration barrage sends through a broker, here straight
 * into the decoders: none may throw, every valid one decodes, every invalid one is refused.
 */

const THING = 'fuzz-thing';
const messages = fuzzMessages(THING, 'other-thing', 10_000, 20_240_601);

function decodeFor(topic: string, payload: Uint8Array) {
  return topic.endsWith('/notify') ? decodeNotify(topic, payload) : decodeNotifyNext(topic, payload);
}

describe('decoders under 10,000 fuzzed payloads', () => {
  it('covers every kind of hostile message', () => {
    expect(new Set(messages.map((m) => m.kind)).size).toBe(10);
  });

  it('never throws, and accepts exactly the valid payloads', () => {
    const wrong = messages.filter((message) => {
      const result = decodeFor(message.topic, message.payload);
      const shouldDecode = message.adds !== undefined || message.kind === "another thing's topic";
      return result.ok !== shouldDecode;
    });
    expect(wrong.map((m) => `${m.kind}: ${Buffer.from(m.payload.subarray(0, 120)).toString()}`)).toEqual([]);
  });

  it('names another thing in the topic of every message meant for another thing', () => {
    const others = messages.filter((m) => m.kind === "another thing's topic");
    expect(others.every((m) => parseJobsTopic(m.topic)?.thingName === 'other-thing')).toBe(true);
  });

  it('parses arbitrary topic strings without throwing', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (topic) => {
        const parsed = parseJobsTopic(topic);
        return parsed === undefined || typeof parsed.thingName === 'string';
      }),
      { numRuns: 2_000, seed: 7 },
    );
  });
});

describe('ExecutionTable ownership of nested values', () => {
  const json = fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: 'small' },
      fc.string({ maxLength: 6 }),
      fc.integer(),
      fc.array(tie('value'), { maxLength: 3 }),
      fc.dictionary(fc.constantFrom('a', 'b', '__proto__', 'constructor'), tie('value'), { maxKeys: 3 }),
    ),
  })).value;

  it('keeps what was applied, whatever the caller later does to the objects it passed', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ maxLength: 4 }), json, { maxKeys: 4 }), (document) => {
        const table = new ExecutionTable();
        const passed = JSON.parse(JSON.stringify(document)) as Record<string, unknown>;
        table.apply({ jobId: 'j', status: 'QUEUED', jobDocument: passed }, 0);
        for (const key of Object.keys(passed)) passed[key] = 'changed';
        passed['added'] = true;
        return JSON.stringify(table.get('j')?.jobDocument) === JSON.stringify(document);
      }),
      { numRuns: 500, seed: 11 },
    );
  });

  it('keeps a "__proto__" key of a job document as data', () => {
    const table = new ExecutionTable();
    const jobDocument = JSON.parse('{"__proto__":{"polluted":true},"a":1}') as Record<string, unknown>;
    table.apply({ jobId: 'j', status: 'QUEUED', jobDocument }, 0);
    const stored = table.get('j')?.jobDocument as Record<string, unknown>;
    expect([Object.keys(stored), Object.getPrototypeOf(stored) === Object.prototype]).toEqual([
      ['__proto__', 'a'],
      true,
    ]);
  });
});
