import type { z } from 'zod';
import { describeError, ProtocolError } from '../errors.js';
import {
  fastDecodeDescribeAccepted,
  fastDecodeGetPendingAccepted,
  fastDecodeNotify,
  fastDecodeNotifyNext,
  type KnownExecutions,
} from './fast-decode.js';
import { previewPayload, readJsonObject } from './json-payload.js';
import {
  payloadSchemas,
  type PayloadSchemas,
  type WireJobExecutionData,
  type WireJobExecutionState,
  type WireJobExecutionSummary,
} from './schemas.js';
import type {
  ExecutionReply,
  ExecutionStateSnapshot,
  GetPendingReply,
  NotifyMessage,
  NotifyNextMessage,
  RejectedReply,
  UpdateReply,
} from './messages.js';
import { isJobStatus, type ExecutionStatus, type JobExecution } from './types.js';

/**
 * Decoders for inbound AWS IoT Jobs payloads. Every decoder is total: bad UTF-8, bad JSON,
 * excessive nesting, non-object JSON and wrong shapes all come back as a ProtocolError naming
 * what was wrong, never as a throw, so one bad message can never take the agent down.
 * Wire names are kept (`versionNumber`, `statusDetails`); the wire `thingName` is dropped, since
 * the topic already says whose execution it is.
 */

export type DecodeResult<T> =
  | { readonly ok: true; readonly value: T; readonly warnings: readonly string[] }
  | { readonly ok: false; readonly error: ProtocolError };

/**
 * `known`: what the caller already holds, by job id. Summaries that repeat a known execution
 * exactly decode to that object (see fast-decode.ts), which spares building equal copies.
 */
export type Decoder<T> = (topic: string, payload: Uint8Array, known?: KnownExecutions) => DecodeResult<T>;

// These moved to json-payload.ts with the JSON reading; re-exported for existing importers.
export { MAX_JSON_DEPTH, MAX_PAYLOAD_BYTES, readClientToken } from './json-payload.js';
export type { KnownExecutions } from './fast-decode.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type Failure = Extract<DecodeResult<never>, { ok: false }>;

function fail(topic: string, payload: Uint8Array, message: string, cause?: unknown): Failure {
  const options = cause === undefined ? undefined : { cause };
  return { ok: false, error: new ProtocolError(topic, message, previewPayload(payload), options) };
}

function describeIssues(error: z.ZodError): string {
  const shown = error.issues.slice(0, 3).map((issue) => {
    const path = issue.path.length === 0 ? '(root)' : issue.path.map(String).join('.');
    return `${path}: ${issue.message}`;
  });
  const more = error.issues.length - shown.length;
  return more > 0 ? `${shown.join('; ')}; and ${more} more` : shown.join('; ');
}

function decode<K extends keyof PayloadSchemas, T>(
  topic: string,
  payload: Uint8Array,
  label: string,
  schema: K,
  map: (wire: z.output<PayloadSchemas[K]>, warnings: string[]) => T,
  fast: FastDecoder<T> | undefined,
  known: KnownExecutions | undefined,
): DecodeResult<T> {
  try {
    const json = readJsonObject(payload);
    if (!json.ok) return fail(topic, payload, `${label} payload ${json.problem}`, json.cause);
    // A canonical payload skips the (lenient, costly) schema; the fast path never warns.
    const quick = fast?.(json.value, known);
    if (quick !== undefined) return { ok: true, value: quick, warnings: [] };
    const parsed = payloadSchemas()[schema].safeParse(json.value);
    if (!parsed.success) {
      return fail(topic, payload, `invalid ${label} payload: ${describeIssues(parsed.error)}`, parsed.error);
    }
    const warnings: string[] = [];
    // TypeScript cannot tie safeParse's result to PayloadSchemas[K] through the indexed access.
    return { ok: true, value: map(parsed.data as z.output<PayloadSchemas[K]>, warnings), warnings };
  } catch (error) {
    // Not expected; the promise of "never throws" is kept even against our own bugs.
    return fail(topic, payload, `cannot decode ${label} payload: ${describeError(error)}`, error);
  }
}

function checkStatus(status: string, subject: string, warnings: string[]): ExecutionStatus {
  if (!isJobStatus(status)) {
    warnings.push(
      `unknown job execution status ${JSON.stringify(status.slice(0, 64))} ${subject}; kept as sent`,
    );
  }
  return status;
}

function fromSummary(wire: WireJobExecutionSummary, status: ExecutionStatus): Mutable<JobExecution> {
  const execution: Mutable<JobExecution> = { jobId: wire.jobId, status };
  if (wire.queuedAt != null) execution.queuedAt = wire.queuedAt;
  if (wire.startedAt != null) execution.startedAt = wire.startedAt;
  if (wire.lastUpdatedAt != null) execution.lastUpdatedAt = wire.lastUpdatedAt;
  if (wire.executionNumber != null) execution.executionNumber = wire.executionNumber;
  if (wire.versionNumber != null) execution.versionNumber = wire.versionNumber;
  if (wire.retryAttempt != null) execution.retryAttempt = wire.retryAttempt;
  return execution;
}

function fromData(wire: WireJobExecutionData | null | undefined, warnings: string[]): JobExecution | null {
  if (wire == null) return null;
  const execution = fromSummary(wire, checkStatus(wire.status, `for job ${wire.jobId}`, warnings));
  if (wire.statusDetails != null) execution.statusDetails = wire.statusDetails;
  if (wire.jobDocument != null) execution.jobDocument = wire.jobDocument;
  if (wire.approximateSecondsBeforeTimedOut != null) {
    execution.approximateSecondsBeforeTimedOut = wire.approximateSecondsBeforeTimedOut;
  }
  return execution;
}

function fromState(wire: WireJobExecutionState, warnings: string[]): ExecutionStateSnapshot {
  const state: Mutable<ExecutionStateSnapshot> = {
    status: checkStatus(wire.status, 'in executionState', warnings),
  };
  if (wire.statusDetails != null) state.statusDetails = wire.statusDetails;
  if (wire.versionNumber != null) state.versionNumber = wire.versionNumber;
  return state;
}

/** Copies `clientToken` and `timestamp` when present. */
function replyHeader(wire: {
  clientToken?: string | null | undefined;
  timestamp?: number | null | undefined;
}): {
  clientToken?: string;
  timestamp?: number;
} {
  const header: { clientToken?: string; timestamp?: number } = {};
  if (wire.clientToken != null) header.clientToken = wire.clientToken;
  if (wire.timestamp != null) header.timestamp = wire.timestamp;
  return header;
}

function timestampOnly(wire: { timestamp?: number | null | undefined }): { timestamp?: number } {
  return wire.timestamp == null ? {} : { timestamp: wire.timestamp };
}

function mapNotify(wire: z.output<PayloadSchemas['notify']>, warnings: string[]): NotifyMessage {
  const executions: JobExecution[] = [];
  for (const [key, summaries] of Object.entries(wire.jobs ?? {})) {
    const status = checkStatus(key, 'as a notify list key', warnings);
    for (const summary of summaries) executions.push(fromSummary(summary, status));
  }
  return { ...timestampOnly(wire), executions };
}

function mapNotifyNext(wire: z.output<PayloadSchemas['notifyNext']>, warnings: string[]): NotifyNextMessage {
  return { ...timestampOnly(wire), execution: fromData(wire.execution, warnings) };
}

function mapGetPending(wire: z.output<PayloadSchemas['getPendingAccepted']>): GetPendingReply {
  return {
    ...replyHeader(wire),
    inProgress: (wire.inProgressJobs ?? []).map((summary) => fromSummary(summary, 'IN_PROGRESS')),
    queued: (wire.queuedJobs ?? []).map((summary) => fromSummary(summary, 'QUEUED')),
  };
}

function mapExecutionReply(
  wire: z.output<PayloadSchemas['describeAccepted']>,
  warnings: string[],
): ExecutionReply {
  return { ...replyHeader(wire), execution: fromData(wire.execution, warnings) };
}

/** A Decoder for one payload kind: JSON checks, then the fast path (if any), then the schema. */
function decoder<K extends keyof PayloadSchemas, T>(
  label: string,
  schema: K,
  map: (wire: z.output<PayloadSchemas[K]>, warnings: string[]) => T,
  fast?: FastDecoder<T>,
): Decoder<T> {
  return (topic, payload, known) => decode(topic, payload, label, schema, map, fast, known);
}

type FastDecoder<T> = (json: Readonly<Record<string, unknown>>, known?: KnownExecutions) => T | undefined;

/** `$aws/things/{thing}/jobs/notify` (and its namespaced form). */
export const decodeNotify: Decoder<NotifyMessage> = decoder('notify', 'notify', mapNotify, fastDecodeNotify);

/** @internal decodeNotify through the schemas only (no fast path), for tests and benchmarks. */
export const decodeNotifyBySchema: Decoder<NotifyMessage> = decoder('notify', 'notify', mapNotify);

/** `$aws/things/{thing}/jobs/notify-next` (and its namespaced form). */
export const decodeNotifyNext: Decoder<NotifyNextMessage> = decoder(
  'notify-next',
  'notifyNext',
  mapNotifyNext,
  fastDecodeNotifyNext,
);

/** @internal decodeNotifyNext through the schemas only (no fast path), for tests and benchmarks. */
export const decodeNotifyNextBySchema: Decoder<NotifyNextMessage> = decoder(
  'notify-next',
  'notifyNext',
  mapNotifyNext,
);

/** `.../jobs/get/accepted`. */
export const decodeGetPendingAccepted: Decoder<GetPendingReply> = decoder(
  'get/accepted',
  'getPendingAccepted',
  mapGetPending,
  fastDecodeGetPendingAccepted,
);

/** @internal decodeGetPendingAccepted through the schemas only (no fast path), for tests. */
export const decodeGetPendingAcceptedBySchema: Decoder<GetPendingReply> = decoder(
  'get/accepted',
  'getPendingAccepted',
  mapGetPending,
);

/** `.../jobs/start-next/accepted` (the same reply shape as describe). */
export const decodeStartNextAccepted: Decoder<ExecutionReply> = decoder(
  'start-next/accepted',
  'startNextAccepted',
  mapExecutionReply,
);

/** `.../jobs/{jobId}/get/accepted`, including `$next`. */
export const decodeDescribeAccepted: Decoder<ExecutionReply> = decoder(
  'describe/accepted',
  'describeAccepted',
  mapExecutionReply,
  fastDecodeDescribeAccepted,
);

/** @internal decodeDescribeAccepted through the schemas only (no fast path), for tests. */
export const decodeDescribeAcceptedBySchema: Decoder<ExecutionReply> = decoder(
  'describe/accepted',
  'describeAccepted',
  mapExecutionReply,
);

/** `.../jobs/{jobId}/update/accepted`. */
export const decodeUpdateAccepted: Decoder<UpdateReply> = decoder(
  'update/accepted',
  'updateAccepted',
  (wire, warnings) => {
    const reply: Mutable<UpdateReply> = replyHeader(wire);
    if (wire.executionState != null) reply.executionState = fromState(wire.executionState, warnings);
    if (wire.jobDocument != null) reply.jobDocument = wire.jobDocument;
    return reply;
  },
);

/**
 * Any `.../rejected` reply. A malformed `executionState` is dropped with a warning rather than
 * failing the decode: the rejection itself is what the waiting request needs.
 */
export const decodeRejected: Decoder<RejectedReply> = decoder('rejected', 'rejected', (wire, warnings) => {
  const reply: Mutable<RejectedReply> = { code: wire.code, ...replyHeader(wire) };
  if (wire.message != null) reply.message = wire.message;
  if (wire.executionState != null) {
    const state = payloadSchemas().jobExecutionState.safeParse(wire.executionState);
    if (state.success) reply.executionState = fromState(state.data, warnings);
    else warnings.push(`ignored a malformed executionState: ${describeIssues(state.error)}`);
  }
  return reply;
});
