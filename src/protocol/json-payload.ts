import { describeError } from '../errors.js';
import { isPlainObject } from './schemas.js';

/**
 * Reading an MQTT payload as a JSON object, before any schema sees it: size limit, strict UTF-8,
 * nesting limit, JSON.parse, a short preview of the bytes for error reports, and the quick
 * `clientToken` read used to correlate replies. Pure; the decoders in codec.ts put a topic and a
 * label on what goes wrong here.
 */

/** AWS IoT refuses publishes over 128 KB, so a larger payload is not from the service. */
export const MAX_PAYLOAD_BYTES = 128 * 1024;

/**
 * Deeper JSON is refused before parsing: job documents are shallow in practice, and a deeply
 * nested one would overflow the recursive JSON.stringify of the cache later on.
 */
export const MAX_JSON_DEPTH = 64;

/**
 * A payload read as a JSON object, or what is wrong with it. `problem` reads after
 * "<label> payload", e.g. `is not valid UTF-8`; `cause` is the decoder's or parser's error.
 */
export type JsonObjectResult =
  | { readonly ok: true; readonly value: Record<string, unknown> }
  | { readonly ok: false; readonly problem: string; readonly cause?: unknown };

// TextDecoders are created on first use to keep import cheap.
type Utf8Decoder = InstanceType<typeof TextDecoder>;
let strictUtf8: Utf8Decoder | undefined;
let lenientUtf8: Utf8Decoder | undefined;

/**
 * The payload as text. Malformed UTF-8 (encoded lone surrogates included) is refused rather
 * than silently replaced with U+FFFD, so a corrupted payload is reported instead of decoded.
 * @throws TypeError when the bytes are not valid UTF-8
 */
export function decodeUtf8(payload: Uint8Array): string {
  strictUtf8 ??= new TextDecoder('utf-8', { fatal: true });
  return strictUtf8.decode(payload);
}

/** The start of the payload as text, malformed bytes shown as U+FFFD, for error reports. */
export function previewPayload(payload: Uint8Array): string {
  lenientUtf8 ??= new TextDecoder('utf-8');
  // 800 bytes always hold at least 200 UTF-16 code units; ProtocolError keeps 200.
  return lenientUtf8.decode(payload.subarray(0, 800));
}

/** True when brackets nest deeper than `limit` outside strings. Linear, no allocation. */
export function nestsDeeperThan(text: string, limit: number): boolean {
  // Fewer opening brackets than the limit cannot nest deeper than it: a few native indexOf calls
  // settle the usual payload (a notify holds ~20) without walking it character by character.
  if (countsAtMost(text, limit)) return false;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (inString) {
      if (char === 0x5c)
        i++; // backslash: skip the escaped character
      else if (char === 0x22) inString = false;
    } else if (char === 0x22) {
      inString = true;
    } else if (char === 0x7b || char === 0x5b) {
      depth++;
      if (depth > limit) return true;
    } else if (char === 0x7d || char === 0x5d) {
      depth--;
    }
  }
  return false;
}

/** True when `text` holds at most `limit` opening brackets (`{` and `[`, inside strings too). */
function countsAtMost(text: string, limit: number): boolean {
  let count = 0;
  for (const bracket of ['{', '[']) {
    for (let at = text.indexOf(bracket); at !== -1; at = text.indexOf(bracket, at + 1)) {
      if (++count > limit) return false;
    }
  }
  return true;
}

/**
 * The payload as a JSON object. The checks run cheapest first: size before decoding, nesting
 * before parsing, so an oversized or hostile payload costs little. Never throws.
 */
export function readJsonObject(payload: Uint8Array): JsonObjectResult {
  if (payload.byteLength > MAX_PAYLOAD_BYTES) {
    return { ok: false, problem: `is ${payload.byteLength} bytes, over ${MAX_PAYLOAD_BYTES}` };
  }
  let text: string;
  try {
    text = decodeUtf8(payload);
  } catch (error) {
    return { ok: false, problem: 'is not valid UTF-8', cause: error };
  }
  if (nestsDeeperThan(text, MAX_JSON_DEPTH)) {
    return { ok: false, problem: `nests deeper than ${MAX_JSON_DEPTH} levels` };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, problem: `is not valid JSON: ${describeError(error)}`, cause: error };
  }
  if (!isPlainObject(value)) {
    const kind = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
    return { ok: false, problem: `is not a JSON object (got ${kind})` };
  }
  return { ok: true, value };
}

/**
 * The top-level `clientToken` of a reply, to correlate it with its request before (or without)
 * a full decode. `undefined` for anything unreadable or without a non-empty string token.
 * Never throws.
 */
export function readClientToken(payload: Uint8Array): string | undefined {
  if (payload.byteLength > MAX_PAYLOAD_BYTES) return undefined;
  try {
    const text = decodeUtf8(payload);
    if (!text.includes('"clientToken"')) return undefined; // most notifications: skip the parse
    const value: unknown = JSON.parse(text);
    if (!isPlainObject(value)) return undefined;
    const token = value['clientToken'];
    return typeof token === 'string' && token !== '' ? token : undefined;
  } catch {
    return undefined;
  }
}
