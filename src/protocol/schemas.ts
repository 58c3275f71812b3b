import type { z } from 'zod';
import { loadZod } from '../zod-loader.js';
import { jobIdProblem } from './names.js';

/**
 * zod schemas for every payload AWS IoT Jobs sends a device over MQTT (notify, notify-next and
 * the `/accepted` and `/rejected` replies). They describe the wire as AWS documents it, with the
 * leniency a device needs in the field:
 *
 * - unknown extra fields are tolerated and stripped (AWS adds fields over time);
 * - `null` is read as "absent" for every optional field;
 * - numbers may arrive as numeric strings (the docs' own examples send `"expectedVersion":"1"`);
 * - timestamps are epoch seconds, but a value above 1e11 is read as milliseconds and divided by
 *   1000 (several doc examples carry 13-digit values; see the protocol reference §1.9);
 * - a status is any non-empty string: an unknown one is kept verbatim (the codec warns about it)
 *   instead of failing the whole message.
 *
 * The schemas, and zod itself, are loaded on first use, not at import, to keep the agent's cold
 * start cheap: canonical payloads never need them (see fast-decode.ts).
 */

/** Above this, an epoch timestamp cannot be seconds (1e11 s is the year 5138), so it is ms. */
const MILLISECONDS_THRESHOLD = 1e11;

const NUMERIC_STRING = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/** Reads a numeric string as a number; leaves anything else for the inner schema to reject. */
function numericStringToNumber(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const trimmed = value.trim();
  return NUMERIC_STRING.test(trimmed) ? Number(trimmed) : value;
}

/** A JSON object that is not an array (`typeof null` and arrays excluded). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function buildSchemas() {
  const z = loadZod();
  const count = z.preprocess(numericStringToNumber, z.number().int().nonnegative());
  const seconds = z.preprocess(numericStringToNumber, z.number().nonnegative());
  const timestamp = seconds.transform((value) => (value > MILLISECONDS_THRESHOLD ? value / 1000 : value));
  const status = z.string().min(1, 'expected a non-empty status');
  const jobId = z.string().refine((value) => jobIdProblem(value) === undefined, {
    message: 'expected a job id of 1-64 letters, digits, "_" or "-"',
  });
  const statusDetails = z.record(z.string(), z.string());
  // Kept by reference (no copy): an object over MQTT, a string over HTTPS.
  const jobDocument = z.custom<Readonly<Record<string, unknown>> | string>(
    (value) => typeof value === 'string' || isPlainObject(value),
    { message: 'expected a JSON object or a string' },
  );
  const clientToken = z.string();

  const summaryFields = {
    jobId,
    queuedAt: timestamp.nullish(),
    startedAt: timestamp.nullish(),
    lastUpdatedAt: timestamp.nullish(),
    versionNumber: count.nullish(),
    executionNumber: count.nullish(),
    retryAttempt: count.nullish(),
  };

  /** JobExecutionSummary: the list form in notify and get/accepted; the status is the list's. */
  const jobExecutionSummary = z.object(summaryFields);

  /** JobExecutionData: the full form in notify-next, start-next and describe replies. */
  const jobExecutionData = z.object({
    ...summaryFields,
    status,
    thingName: z.string().nullish(),
    statusDetails: statusDetails.nullish(),
    jobDocument: jobDocument.nullish(),
    approximateSecondsBeforeTimedOut: seconds.nullish(),
  });

  /** JobExecutionState: in update/accepted and in some rejections. */
  const jobExecutionState = z.object({
    status,
    statusDetails: statusDetails.nullish(),
    versionNumber: count.nullish(),
  });

  const replyFields = { clientToken: clientToken.nullish(), timestamp: timestamp.nullish() };

  return {
    jobExecutionSummary,
    jobExecutionData,
    jobExecutionState,
    /** JobExecutionsChanged: `jobs` is keyed by status name; empty statuses are omitted. */
    notify: z.object({
      timestamp: timestamp.nullish(),
      jobs: z.record(z.string(), z.array(jobExecutionSummary)).nullish(),
    }),
    /** NextJobExecutionChanged: no `execution` when nothing is pending. */
    notifyNext: z.object({ timestamp: timestamp.nullish(), execution: jobExecutionData.nullish() }),
    getPendingAccepted: z.object({
      ...replyFields,
      inProgressJobs: z.array(jobExecutionSummary).nullish(),
      queuedJobs: z.array(jobExecutionSummary).nullish(),
    }),
    /** start-next/accepted: no `execution` when nothing is pending. */
    startNextAccepted: z.object({ ...replyFields, execution: jobExecutionData.nullish() }),
    /** {jobId}/get/accepted: no `execution` e.g. for `$next` with nothing pending. */
    describeAccepted: z.object({ ...replyFields, execution: jobExecutionData.nullish() }),
    updateAccepted: z.object({
      ...replyFields,
      executionState: jobExecutionState.nullish(),
      jobDocument: jobDocument.nullish(),
    }),
    /**
     * Any `/rejected` reply. `executionState` is left unchecked here so that a malformed state
     * never hides the rejection itself; the codec validates it separately.
     */
    rejected: z.object({
      ...replyFields,
      code: z.string().min(1, 'expected a non-empty error code'),
      message: z.string().nullish(),
      executionState: z.unknown().optional(),
    }),
  };
}

export type PayloadSchemas = ReturnType<typeof buildSchemas>;

let schemas: PayloadSchemas | undefined;

/** The payload schemas, built once on first call. */
export function payloadSchemas(): PayloadSchemas {
  schemas ??= buildSchemas();
  return schemas;
}

export type WireJobExecutionSummary = z.output<PayloadSchemas['jobExecutionSummary']>;
export type WireJobExecutionData = z.output<PayloadSchemas['jobExecutionData']>;
export type WireJobExecutionState = z.output<PayloadSchemas['jobExecutionState']>;
export type WireNotify = z.output<PayloadSchemas['notify']>;
export type WireNotifyNext = z.output<PayloadSchemas['notifyNext']>;
export type WireGetPendingAccepted = z.output<PayloadSchemas['getPendingAccepted']>;
export type WireStartNextAccepted = z.output<PayloadSchemas['startNextAccepted']>;
export type WireDescribeAccepted = z.output<PayloadSchemas['describeAccepted']>;
export type WireUpdateAccepted = z.output<PayloadSchemas['updateAccepted']>;
export type WireRejected = z.output<PayloadSchemas['rejected']>;
