/**
 * Every error the agent throws, rejects with or reports carries a stable string `code`.
 * Match on `code` (or `instanceof`), never on messages. Messages name the subject (operation,
 * jobId, thingName, config field) and never contain secrets, PEM material or signed headers.
 */
export const JOBS_AGENT_ERROR_CODES = [
  'ERR_CONFIG',
  'ERR_PROTOCOL',
  'ERR_REJECTED',
  'ERR_TIMEOUT',
  'ERR_CONNECT',
  'ERR_TRANSPORT',
  'ERR_HTTP',
  'ERR_CREDENTIALS',
  'ERR_PAGINATION',
  'ERR_CACHE',
  'ERR_CLOSED',
  'ERR_ABORTED',
  'ERR_LISTENER',
] as const;

export type JobsAgentErrorCode = (typeof JOBS_AGENT_ERROR_CODES)[number];

/** Base class of every error this library produces. */
export class JobsAgentError extends Error {
  override name = 'JobsAgentError';
  readonly code: JobsAgentErrorCode;

  constructor(code: JobsAgentErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}

/** True for any error produced by this library. */
export function isJobsAgentError(value: unknown): value is JobsAgentError {
  return value instanceof JobsAgentError;
}

/** One problem found while validating options or a config file; `path` names the field. */
export interface ConfigIssue {
  readonly path: string;
  readonly message: string;
}

/** Invalid options, config file or name (exit code 2 in the CLI). */
export class ConfigError extends JobsAgentError {
  override name = 'ConfigError';
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[], options?: ErrorOptions) {
    super('ERR_CONFIG', issues.map((issue) => `${issue.path}: ${issue.message}`).join('; '), options);
    this.issues = issues;
  }

  /** A config error about a single field. */
  static forField(path: string, message: string, options?: ErrorOptions): ConfigError {
    return new ConfigError([{ path, message }], options);
  }
}

/** An inbound message that could not be used: bad JSON, wrong shape, oversized. */
export class ProtocolError extends JobsAgentError {
  override name = 'ProtocolError';
  readonly topic: string;
  /** At most 200 characters of the offending payload, for diagnosis. */
  readonly payloadPreview: string;

  constructor(topic: string, message: string, payloadPreview: string, options?: ErrorOptions) {
    super('ERR_PROTOCOL', `${message} (topic ${topic})`, options);
    this.topic = topic;
    this.payloadPreview = payloadPreview.slice(0, 200);
  }
}

/** The rejection codes AWS IoT Jobs documents; the set is open, unknown codes are kept as sent. */
export const REJECTED_CODES = [
  'InvalidTopic',
  'InvalidJson',
  'InvalidRequest',
  'InvalidStateTransition',
  'ResourceNotFound',
  'VersionMismatch',
  'InternalError',
  'RequestThrottled',
  'TerminalStateReached',
] as const;

export type RejectedCode = (typeof REJECTED_CODES)[number];

/** A request answered on its `/rejected` topic. */
export class RejectedError extends JobsAgentError {
  override name = 'RejectedError';
  readonly operation: string;
  readonly rejectedCode: RejectedCode | (string & {});
  /** Present for InvalidStateTransition and VersionMismatch. */
  readonly executionState: unknown;

  constructor(operation: string, rejectedCode: string, detail?: string, executionState?: unknown) {
    super(
      'ERR_REJECTED',
      `${operation} rejected by AWS IoT Jobs: ${rejectedCode}${detail ? ` (${detail})` : ''}`,
    );
    this.operation = operation;
    this.rejectedCode = rejectedCode;
    this.executionState = executionState;
  }

  /** Throttling and internal errors are worth retrying; everything else is final. */
  get retryable(): boolean {
    return this.rejectedCode === 'RequestThrottled' || this.rejectedCode === 'InternalError';
  }
}

/** An operation that did not complete within its time budget. */
export class TimeoutError extends JobsAgentError {
  override name = 'TimeoutError';
  readonly operation: string;
  readonly timeoutMs: number;

  constructor(operation: string, timeoutMs: number, options?: ErrorOptions) {
    super('ERR_TIMEOUT', `${operation} timed out after ${timeoutMs} ms`, options);
    this.operation = operation;
    this.timeoutMs = timeoutMs;
  }
}

/** Connecting failed: TLS refused, broker unreachable, CONNACK refused. */
export class ConnectError extends JobsAgentError {
  override name = 'ConnectError';
  readonly url: string;

  constructor(url: string, message: string, options?: ErrorOptions) {
    super('ERR_CONNECT', `cannot connect to ${url}: ${message}`, options);
    this.url = url;
  }
}

/** Subscribe, publish or connection-level failures after connecting. */
export class TransportError extends JobsAgentError {
  override name = 'TransportError';

  constructor(message: string, options?: ErrorOptions) {
    super('ERR_TRANSPORT', message, options);
  }
}

/**
 * An HTTP call answered with an error. `errorType` is the AWS error type read the restJson1 way
 * (e.g. `ThrottlingException`), or `undefined` when the server named none.
 */
export class HttpError extends JobsAgentError {
  override name = 'HttpError';
  readonly operation: string;
  readonly status: number;
  readonly errorType: string | undefined;
  readonly requestId: string | undefined;
  /** At most 200 characters of the response body. */
  readonly bodyPreview: string;

  constructor(
    operation: string,
    status: number,
    errorType: string | undefined,
    detail: string,
    extra: { requestId?: string | undefined; bodyPreview?: string } = {},
  ) {
    super(
      'ERR_HTTP',
      `${operation} failed: HTTP ${status}${errorType ? ` ${errorType}` : ''}${detail ? `: ${detail}` : ''}`,
    );
    this.operation = operation;
    this.status = status;
    this.errorType = errorType;
    this.requestId = extra.requestId;
    this.bodyPreview = (extra.bodyPreview ?? '').slice(0, 200);
  }

  /** Throttling, ServiceUnavailable, 429 and 5xx are transient. */
  get retryable(): boolean {
    return (
      this.status === 429 ||
      this.status >= 500 ||
      this.errorType === 'ThrottlingException' ||
      this.errorType === 'ServiceUnavailableException'
    );
  }
}

/** HTTP 400 InvalidRequestException. */
export class InvalidRequestError extends HttpError {
  override name = 'InvalidRequestError';
}
/** HTTP 404 ResourceNotFoundException. */
export class ResourceNotFoundError extends HttpError {
  override name = 'ResourceNotFoundError';
}
/** HTTP 503 ServiceUnavailableException. */
export class ServiceUnavailableError extends HttpError {
  override name = 'ServiceUnavailableError';
}
/** ThrottlingException (HTTP 400 on the control plane) or HTTP 429. */
export class ThrottlingError extends HttpError {
  override name = 'ThrottlingError';
}

/** Credentials could not be obtained or refreshed. Never includes secret values. */
export class CredentialsError extends JobsAgentError {
  override name = 'CredentialsError';
  readonly source: string;

  constructor(source: string, message: string, options?: ErrorOptions) {
    super('ERR_CREDENTIALS', `credentials from ${source}: ${message}`, options);
    this.source = source;
  }
}

/** A paginated listing that could not be completed (repeated token, page bound exceeded). */
export class PaginationError extends JobsAgentError {
  override name = 'PaginationError';
  readonly pagesRead: number;

  constructor(message: string, pagesRead: number, options?: ErrorOptions) {
    super('ERR_PAGINATION', message, options);
    this.pagesRead = pagesRead;
  }
}

/** The state file could not be read, parsed or written. */
export class CacheError extends JobsAgentError {
  override name = 'CacheError';
  readonly path: string | undefined;

  constructor(message: string, path?: string, options?: ErrorOptions) {
    super('ERR_CACHE', message, options);
    this.path = path;
  }
}

/** A call made after `stop()`, or a request cut short by it. */
export class ClosedError extends JobsAgentError {
  override name = 'ClosedError';

  constructor(message = 'the agent is stopped') {
    super('ERR_CLOSED', message);
  }
}

/** An operation cancelled through its AbortSignal. */
export class AbortedError extends JobsAgentError {
  override name = 'AbortedError';

  constructor(operation: string, options?: ErrorOptions) {
    super('ERR_ABORTED', `${operation} was aborted`, options);
  }
}

/** Turns anything thrown into a message fit for a log line. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
