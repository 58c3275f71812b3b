import { ConfigError } from '../errors.js';
import { DEVICE_SETTABLE_STATUSES, type DeviceSettableStatus, type StatusDetails } from './types.js';

/**
 * Encoders for the payloads a device publishes to AWS IoT Jobs. Every input is checked first and
 * a bad one throws ConfigError naming the field, so AWS never has to answer InvalidRequest for
 * something we could have caught. An optional field is sent whenever it is not `undefined`:
 * `0` and `false` are real values (the AWS JS SDK v2 drops them through truthiness checks).
 */

export interface GetPendingRequest {
  readonly clientToken: string;
}

export interface StartNextRequest {
  readonly clientToken: string;
  readonly statusDetails?: StatusDetails | undefined;
  readonly stepTimeoutInMinutes?: number | undefined;
}

export interface DescribeRequest {
  readonly clientToken: string;
  readonly executionNumber?: number | undefined;
  /** AWS defaults this to true. */
  readonly includeJobDocument?: boolean | undefined;
}

export interface UpdateRequest {
  readonly clientToken: string;
  readonly status: DeviceSettableStatus;
  readonly statusDetails?: StatusDetails | undefined;
  readonly expectedVersion?: number | undefined;
  readonly executionNumber?: number | undefined;
  readonly includeJobExecutionState?: boolean | undefined;
  readonly includeJobDocument?: boolean | undefined;
  readonly stepTimeoutInMinutes?: number | undefined;
}

/** Patterns and bounds of the `iot-jobs-data` service model (DetailsKey, DetailsValue). */
const DETAILS_KEY = /^[a-zA-Z0-9:_-]{1,128}$/;
const DETAILS_VALUE = /^[^\p{C}]+$/u;
const DETAILS_VALUE_MAX_LENGTH = 1024;

/** 1 minute to 7 days, as the API reference documents for stepTimeoutInMinutes. */
export const STEP_TIMEOUT_MIN_MINUTES = 1;
export const STEP_TIMEOUT_MAX_MINUTES = 10_080;

/**
 * The AWS docs give no bound for a jobs clientToken; 64 is the documented limit of the other
 * device reply topics (shadow), and the agent's own tokens are UUIDs, so this is a safe ceiling.
 */
const CLIENT_TOKEN = /^[\x21-\x7e]{1,64}$/;

/**
 * Returns what is wrong with `details`, naming the offending key (`statusDetails.<key>`), or
 * `undefined` when every key and value is acceptable to AWS.
 */
export function statusDetailsProblem(details: Readonly<Record<string, string>>): string | undefined {
  // Values are typed as strings, but plain JavaScript callers can pass anything.
  for (const [key, value] of Object.entries(details as Readonly<Record<string, unknown>>)) {
    if (!DETAILS_KEY.test(key)) {
      return `statusDetails: key ${JSON.stringify(key.slice(0, 140))} must be 1-128 characters of letters, digits, ":", "_" or "-"`;
    }
    if (typeof value !== 'string') return `statusDetails.${key}: must be a string`;
    if (value.length === 0 || value.length > DETAILS_VALUE_MAX_LENGTH) {
      return `statusDetails.${key}: must be 1-${DETAILS_VALUE_MAX_LENGTH} characters (got ${value.length})`;
    }
    if (!DETAILS_VALUE.test(value)) {
      return `statusDetails.${key}: must not contain control or other non-printable characters`;
    }
  }
  return undefined;
}

/** Returns what is wrong with a step timeout, or `undefined` when it is acceptable to AWS. */
export function stepTimeoutProblem(minutes: number): string | undefined {
  return Number.isInteger(minutes) &&
    minutes >= STEP_TIMEOUT_MIN_MINUTES &&
    minutes <= STEP_TIMEOUT_MAX_MINUTES
    ? undefined
    : `must be a whole number of minutes from ${STEP_TIMEOUT_MIN_MINUTES} to ${STEP_TIMEOUT_MAX_MINUTES}`;
}

function checkClientToken(clientToken: unknown): void {
  if (typeof clientToken !== 'string' || !CLIENT_TOKEN.test(clientToken)) {
    throw ConfigError.forField('clientToken', 'must be 1-64 printable ASCII characters without spaces');
  }
}

function checkStatusDetails(details: unknown): void {
  if (details === undefined) return;
  if (typeof details !== 'object' || details === null || Array.isArray(details)) {
    throw ConfigError.forField('statusDetails', 'must be an object of string values');
  }
  const problem = statusDetailsProblem(details as StatusDetails);
  if (problem === undefined) return;
  // The problem text starts with its field path; split it off for a structured issue.
  const separator = problem.indexOf(': ');
  throw ConfigError.forField(problem.slice(0, separator), problem.slice(separator + 2));
}

function checkStepTimeout(minutes: unknown): void {
  if (minutes === undefined) return;
  const problem = typeof minutes === 'number' ? stepTimeoutProblem(minutes) : 'must be a number';
  if (problem !== undefined) throw ConfigError.forField('stepTimeoutInMinutes', problem);
}

function checkCount(field: string, value: unknown): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw ConfigError.forField(field, 'must be a non-negative whole number');
  }
}

function checkFlag(field: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'boolean') {
    throw ConfigError.forField(field, 'must be true or false');
  }
}

/** Copies the fields of `source` that are not `undefined`, in the order of `keys`. */
function defined<T extends object>(source: T, keys: readonly (keyof T & string)[]): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const key of keys) {
    if (source[key] !== undefined) body[key] = source[key];
  }
  return body;
}

/** Body of `$aws/things/{thing}/jobs/get`. */
export function encodeGetPendingRequest(request: GetPendingRequest): string {
  checkClientToken(request.clientToken);
  return JSON.stringify({ clientToken: request.clientToken });
}

/** Body of `$aws/things/{thing}/jobs/start-next`. */
export function encodeStartNextRequest(request: StartNextRequest): string {
  checkClientToken(request.clientToken);
  checkStatusDetails(request.statusDetails);
  checkStepTimeout(request.stepTimeoutInMinutes);
  return JSON.stringify(defined(request, ['statusDetails', 'stepTimeoutInMinutes', 'clientToken']));
}

/** Body of `$aws/things/{thing}/jobs/{jobId}/get`. */
export function encodeDescribeRequest(request: DescribeRequest): string {
  checkClientToken(request.clientToken);
  checkCount('executionNumber', request.executionNumber);
  checkFlag('includeJobDocument', request.includeJobDocument);
  return JSON.stringify(defined(request, ['executionNumber', 'includeJobDocument', 'clientToken']));
}

/** Body of `$aws/things/{thing}/jobs/{jobId}/update`. */
export function encodeUpdateRequest(request: UpdateRequest): string {
  checkClientToken(request.clientToken);
  if (!(DEVICE_SETTABLE_STATUSES as readonly string[]).includes(request.status)) {
    throw ConfigError.forField('status', `must be one of ${DEVICE_SETTABLE_STATUSES.join(', ')}`);
  }
  checkStatusDetails(request.statusDetails);
  checkCount('expectedVersion', request.expectedVersion);
  checkCount('executionNumber', request.executionNumber);
  checkFlag('includeJobExecutionState', request.includeJobExecutionState);
  checkFlag('includeJobDocument', request.includeJobDocument);
  checkStepTimeout(request.stepTimeoutInMinutes);
  return JSON.stringify(
    defined(request, [
      'status',
      'statusDetails',
      'expectedVersion',
      'executionNumber',
      'includeJobExecutionState',
      'includeJobDocument',
      'stepTimeoutInMinutes',
      'clientToken',
    ]),
  );
}
