import { ConfigError } from '../errors.js';
import { encodeUpdateRequest } from '../protocol/requests.js';
import { jobIdProblem } from '../protocol/names.js';
import type { DeviceSettableStatus, StatusDetails } from '../protocol/types.js';

/** Longest reason the agent writes into statusDetails (AWS allows 1024 characters a value). */
export const MAX_REASON_LENGTH = 1000;

/**
 * A message fit for a statusDetails value: control characters (newlines of a stack, terminal
 * escapes) become spaces, whitespace runs collapse, and it is cut to `maxLength` characters.
 * Never empty, since AWS refuses empty values.
 */
export function boundedMessage(text: string, maxLength = MAX_REASON_LENGTH): string {
  const clean = text
    .replace(/\p{C}+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (clean === '') return 'unknown error';
  return clean.length <= maxLength ? clean : `${clean.slice(0, maxLength - 1)}…`;
}

/** The message of whatever a handler threw, bounded, without its stack. */
export function errorReason(error: unknown): string {
  if (error instanceof Error) return boundedMessage(error.message === '' ? error.name : error.message);
  return boundedMessage(typeof error === 'string' ? error : `non-error thrown: ${String(error)}`);
}

/** statusDetails for a failure: `{ reason }`, plus `errorCode` when the error carries a string code. */
export function failureDetails(reason: string, error?: unknown): StatusDetails {
  const code =
    typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string'
      ? boundedMessage(error.code, 128)
      : undefined;
  return { reason: boundedMessage(reason), ...(code !== undefined ? { errorCode: code } : {}) };
}

/**
 * Checks an update before it is queued, with the encoder's own rules (statusDetails keys and
 * values, stepTimeoutInMinutes, status), so a bad one is a ConfigError naming the field now
 * rather than a rejection after a reconnect.
 */
export function checkStatusUpdate(
  jobId: string,
  status: DeviceSettableStatus,
  statusDetails: StatusDetails | undefined,
  stepTimeoutInMinutes: number | undefined,
): void {
  const problem = jobIdProblem(jobId);
  if (problem !== undefined) throw ConfigError.forField('jobId', problem);
  encodeUpdateRequest({ clientToken: 'validation', status, statusDetails, stepTimeoutInMinutes });
}

/** The largest checkpoint kept, serialised: the state file is rewritten on every checkpoint. */
export const MAX_CHECKPOINT_BYTES = 64 * 1024;

/** JSON.stringify as it behaves: undefined for a function, a symbol or undefined itself. */
const stringify: (value: unknown) => string | undefined = JSON.stringify;

/** A JSON copy of a checkpoint; ConfigError when it is not JSON data or too large. */
export function checkpointCopy<T>(value: T): T {
  let text: string | undefined;
  try {
    text = stringify(value);
  } catch (error) {
    throw ConfigError.forField('checkpoint', 'must be JSON data', { cause: error });
  }
  if (text === undefined) throw ConfigError.forField('checkpoint', 'must be JSON data');
  if (Buffer.byteLength(text) > MAX_CHECKPOINT_BYTES) {
    throw ConfigError.forField('checkpoint', `must be at most ${MAX_CHECKPOINT_BYTES} bytes as JSON`);
  }
  return JSON.parse(text) as T;
}
