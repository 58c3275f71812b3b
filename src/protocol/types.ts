/** The eight job execution statuses AWS IoT Jobs documents. */
export const JOB_STATUSES = [
  'QUEUED',
  'IN_PROGRESS',
  'SUCCEEDED',
  'FAILED',
  'TIMED_OUT',
  'REJECTED',
  'REMOVED',
  'CANCELED',
] as const;

export type JobStatus = (typeof JOB_STATUSES)[number];

/**
 * A status as received. A status this library does not know (a future AWS addition) is kept
 * verbatim rather than dropping the message; such an execution is treated as non-terminal.
 */
export type ExecutionStatus = JobStatus | (string & {});

/** Statuses after which an execution (of a given executionNumber) never changes again. */
export const TERMINAL_STATUSES: readonly JobStatus[] = [
  'SUCCEEDED',
  'FAILED',
  'TIMED_OUT',
  'REJECTED',
  'REMOVED',
  'CANCELED',
];

/** Statuses a device may set with UpdateJobExecution. */
export const DEVICE_SETTABLE_STATUSES = ['IN_PROGRESS', 'SUCCEEDED', 'FAILED', 'REJECTED'] as const;
export type DeviceSettableStatus = (typeof DEVICE_SETTABLE_STATUSES)[number];

export function isJobStatus(status: string): status is JobStatus {
  return (JOB_STATUSES as readonly string[]).includes(status);
}

export function isTerminalStatus(status: string): boolean {
  return (TERMINAL_STATUSES as readonly string[]).includes(status);
}

/** Name/value pairs the device reports with a status; values are strings on the wire. */
export type StatusDetails = Readonly<Record<string, string>>;

/** A job document: a JSON object over MQTT, a string over HTTPS (both are accepted). */
export type JobDocument = Readonly<Record<string, unknown>> | string;

/**
 * One job execution of this thing, as the agent knows it. Timestamps are epoch seconds as AWS
 * sends them (HTTP listings may carry fractions). Fields absent from a source stay absent.
 */
export interface JobExecution {
  readonly jobId: string;
  readonly status: ExecutionStatus;
  readonly queuedAt?: number;
  readonly startedAt?: number;
  readonly lastUpdatedAt?: number;
  readonly executionNumber?: number;
  readonly versionNumber?: number;
  readonly retryAttempt?: number;
  readonly statusDetails?: StatusDetails;
  readonly jobDocument?: JobDocument;
  /** Seconds until the step timer fires, when the service said so (describe, start-next). */
  readonly approximateSecondsBeforeTimedOut?: number;
}
