import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeUtf8,
  MAX_JSON_DEPTH,
  MAX_PAYLOAD_BYTES,
  nestsDeeperThan,
  previewPayload,
  readJsonObject,
} from '../../../src/protocol/json-payload.js';
import { bytes } from './payloads.js';

/** `{"pad":"xxx…"}` of exactly `size` bytes. */
function paddedObject(size: number): Uint8Array {
  return bytes(`{"pad":"${'x'.repeat(size - '{"pad":""}'.length)}"}`);
}

/** How deep brackets nest in a JSON value: 0 for a primitive, 1 for `[]` or `{}`. */
function depthOf(value: unknown): number {
  if (Array.isArray(value)) return 1 + Math.max(0, ...value.map(depthOf));
  if (typeof value === 'object' && value !== null)
    return 1 + Math.max(0, ...Object.values(value).map(depthOf));
  return 0;
}

const INVALID_UTF8 = new Uint8Array([0x7b, 0xc3, 0x28, 0x7d]); // `{`, a broken 2-byte sequence, `}`
const CESU_SURROGATE = new Uint8Array([0x7b, 0xed, 0xa0, 0x80, 0x7d]); // U+D800 encoded as UTF-8

describe('decodeUtf8', () => {
  it('decodes multi-byte characters', () => {
    expect(decodeUtf8(bytes('{"jobId":"é€😀"}'))).toBe('{"jobId":"é€😀"}');
  });

  it.each([
    ['a broken 2-byte sequence', INVALID_UTF8],
    ['an encoded lone surrogate', CESU_SURROGATE],
    ['a truncated 3-byte sequence', new Uint8Array([0x22, 0xe2, 0x82])],
  ])('throws a TypeError on %s', (_, payload) => {
    expect(() => decodeUtf8(payload)).toThrow(TypeError);
  });
});

describe('previewPayload', () => {
  it('shows malformed bytes as replacement characters', () => {
    expect(previewPayload(INVALID_UTF8)).toBe('{\uFFFD(}');
  });

  it('reads at most the first 800 bytes', () => {
    expect(previewPayload(bytes('é'.repeat(401)))).toBe('é'.repeat(400));
  });

  it('ends in a replacement character when the 800th byte splits a character', () => {
    expect(previewPayload(bytes(`a${'€'.repeat(300)}`))).toBe(`a${'€'.repeat(266)}\uFFFD`);
  });

  it('holds at least 200 code units even when every character is 4 bytes', () => {
    expect(previewPayload(bytes('😀'.repeat(300)))).toHaveLength(400);
  });
});

describe('nestsDeeperThan', () => {
  it.each([
    ['', 0, false],
    ['1', 0, false],
    ['{}', 0, true],
    ['{}', 1, false],
    ['[[]]', 1, true],
    ['[[]]', 2, false],
    ['[][][]', 1, false],
    ['{"a":[{"b":[]}]}', 3, true],
    ['{"a":[{"b":[]}]}', 4, false],
    ['"[[["', 0, false],
    ['"\\"[[["', 0, false],
    ['"\\\\"[', 0, true],
    ['{"k[[":"v]]"}', 1, false],
  ])('reads %j with limit %i as %s', (text, limit, expected) => {
    expect(nestsDeeperThan(text, limit)).toBe(expected);
  });

  it('agrees with the depth of any serialized JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), fc.integer({ min: 0, max: 7 }), (value, limit) => {
        expect(nestsDeeperThan(JSON.stringify(value), limit)).toBe(depthOf(value) > limit);
      }),
    );
  });
});

describe('readJsonObject', () => {
  it.each([
    ['{}', {}],
    ['{"a":1,"b":[true,null]}', { a: 1, b: [true, null] }],
    [' \n{"jobId":"é"}\n', { jobId: 'é' }],
  ])('reads %j as an object', (text, expected) => {
    expect(readJsonObject(bytes(text))).toStrictEqual({ ok: true, value: expected });
  });

  it.each([
    ['[]', 'an array'],
    ['null', 'null'],
    ['"text"', 'a string'],
    ['42', 'a number'],
    ['true', 'a boolean'],
  ])('refuses %j as not an object, naming what it got', (text, kind) => {
    expect(readJsonObject(bytes(text))).toStrictEqual({
      ok: false,
      problem: `is not a JSON object (got ${kind})`,
    });
  });

  it.each(['', '{', '{"a":', "{'a':1}", '{"a":1,}', 'NaN'])(
    'refuses invalid JSON %j with its cause',
    (text) => {
      const result = readJsonObject(bytes(text));
      expect(result).toMatchObject({
        ok: false,
        problem: expect.stringMatching(/^is not valid JSON: /) as unknown,
      });
      expect(result.ok ? undefined : result.cause).toBeInstanceOf(SyntaxError);
    },
  );

  it.each([
    ['a broken sequence', INVALID_UTF8],
    ['an encoded lone surrogate', CESU_SURROGATE],
  ])('refuses invalid UTF-8 (%s) with its cause', (_, payload) => {
    const result = readJsonObject(payload);
    expect(result).toMatchObject({ ok: false, problem: 'is not valid UTF-8' });
    expect(result.ok ? undefined : result.cause).toBeInstanceOf(TypeError);
  });

  it(`refuses nesting deeper than ${MAX_JSON_DEPTH} levels before parsing`, () => {
    // Unbalanced, so JSON.parse would fail: the depth check must have answered first.
    expect(readJsonObject(bytes('['.repeat(MAX_JSON_DEPTH + 1)))).toStrictEqual({
      ok: false,
      problem: `nests deeper than ${MAX_JSON_DEPTH} levels`,
    });
  });

  it(`reads an object nested exactly ${MAX_JSON_DEPTH} levels deep`, () => {
    const inner = MAX_JSON_DEPTH - 1;
    const text = `{"a":${'['.repeat(inner)}${']'.repeat(inner)}}`;
    expect(readJsonObject(bytes(text)).ok).toBe(true);
  });

  it(`reads a payload of exactly ${MAX_PAYLOAD_BYTES} bytes`, () => {
    expect(readJsonObject(paddedObject(MAX_PAYLOAD_BYTES)).ok).toBe(true);
  });

  it('refuses a payload one byte over the limit, naming its size', () => {
    expect(readJsonObject(paddedObject(MAX_PAYLOAD_BYTES + 1))).toStrictEqual({
      ok: false,
      problem: `is ${MAX_PAYLOAD_BYTES + 1} bytes, over ${MAX_PAYLOAD_BYTES}`,
    });
  });

  it('checks the size before the encoding', () => {
    const payload = new Uint8Array(MAX_PAYLOAD_BYTES + 1).fill(0xff);
    expect(readJsonObject(payload)).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/ bytes, over /) as unknown,
    });
  });

  it('reads back any serialized JSON object', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 4 })), (value) => {
        const parsed: unknown = JSON.parse(JSON.stringify(value));
        expect(readJsonObject(bytes(value))).toStrictEqual({ ok: true, value: parsed });
      }),
    );
  });

  it('never throws on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 256 }), (payload) => {
        expect(() => readJsonObject(payload)).not.toThrow();
      }),
    );
  });
});
