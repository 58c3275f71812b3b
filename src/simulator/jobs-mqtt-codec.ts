import { z } from 'zod';
import type { RequestOperation } from '../protocol/topics.js';
import type { DescribeRequest, StartNextRequest, UpdateRequest } from './jobs-state.js';

/**
 * Decoding of device requests at the simulator's MQTT edge: bytes -> JSON object -> typed
 * request. Shape errors become the messages of InvalidJson / InvalidRequest rejections; the
 * semantic checks (status values, statusDetails constraints, timer ranges) are the state's.
 * Unknown fields are ignored: the AWS SDKs add `thingName` and `jobId` to their payloads.
 */

const details = z.record(z.string(), z.unknown());
// The docs' examples send `expectedVersion` as a string ("1"); the SDKs send a number.
const version = z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/).transform(Number)]);

const SCHEMAS = {
  get: z.object({}),
  'start-next': z.object({ statusDetails: details.optional(), stepTimeoutInMinutes: z.number().optional() }),
  describe: z.object({
    executionNumber: z.number().int().optional(),
    includeJobDocument: z.boolean().optional(),
  }),
  update: z.object({
    status: z.string().optional(),
    statusDetails: details.optional(),
    expectedVersion: version.optional(),
    executionNumber: z.number().int().optional(),
    includeJobExecutionState: z.boolean().optional(),
    includeJobDocument: z.boolean().optional(),
    stepTimeoutInMinutes: z.number().optional(),
  }),
} as const;

export type DecodedRequest =
  | { readonly operation: 'get'; readonly request: Record<string, never> }
  | { readonly operation: 'start-next'; readonly request: StartNextRequest }
  | { readonly operation: 'describe'; readonly request: DescribeRequest }
  | { readonly operation: 'update'; readonly request: UpdateRequest };

export type EnvelopeResult =
  | { readonly ok: true; readonly body: Readonly<Record<string, unknown>>; readonly clientToken?: string }
  | { readonly ok: false; readonly message: string };

/** Parses the payload as a UTF-8 JSON object and picks out `clientToken` (echoed only when a string). */
export function decodeEnvelope(payload: Uint8Array | string): EnvelopeResult {
  let parsed: unknown;
  try {
    const text =
      typeof payload === 'string' ? payload : new TextDecoder('utf-8', { fatal: true }).decode(payload);
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, message: 'the request payload is not valid UTF-8 JSON' };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { ok: false, message: 'the request payload must be a JSON object' };
  }
  const body = parsed as Record<string, unknown>;
  const token = body['clientToken'];
  return typeof token === 'string' ? { ok: true, body, clientToken: token } : { ok: true, body };
}

export type RequestResult =
  { readonly ok: true; readonly value: DecodedRequest } | { readonly ok: false; readonly message: string };

/** Validates the request object of `operation`; the message names the offending field. */
export function decodeRequest(
  operation: RequestOperation,
  body: Readonly<Record<string, unknown>>,
): RequestResult {
  const token = body['clientToken'];
  if (token !== undefined && (typeof token !== 'string' || token.length > 64)) {
    return { ok: false, message: 'clientToken must be a string of at most 64 characters' };
  }
  const result = SCHEMAS[operation].safeParse(body);
  if (!result.success) {
    const issue = result.error.issues[0];
    const field = issue?.path.join('.') ?? '';
    return { ok: false, message: `${field === '' ? 'request' : field}: ${issue?.message ?? 'invalid'}` };
  }
  // Each schema's output matches its operation's request type.
  return { ok: true, value: { operation, request: result.data } as DecodedRequest };
}
