import type { HeaderReader } from './http-exchange.js';
import {
  HttpError,
  InvalidRequestError,
  ResourceNotFoundError,
  ServiceUnavailableError,
  ThrottlingError,
} from '../errors.js';

/**
 * Reading AWS restJson1 error responses into the library's typed errors.
 * @see https://smithy.io/2.0/aws/protocols/aws-restjson1-protocol.html (operation error serialization)
 */

const MAX_DETAIL_CHARS = 200;

// Rate limiting as AWS services name it. LimitExceededException is deliberately absent: on the
// IoT control plane it means a resource-count limit, which waiting does not fix.
const THROTTLING_TYPES = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'RequestThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
]);

const EXPIRED_CREDENTIALS_TYPES = new Set(['ExpiredToken', 'ExpiredTokenException']);

/**
 * The restJson1 sanitizing rule: keep what is before the first `:`, then what is after the
 * first `#` (`aws.protocoltests#FooError:http://internal/...` → `FooError`).
 */
export function sanitizeErrorType(raw: string): string {
  let type = raw.trim();
  const colon = type.indexOf(':');
  if (colon !== -1) type = type.slice(0, colon);
  const hash = type.indexOf('#');
  if (hash !== -1) type = type.slice(hash + 1);
  return type;
}

/** The error type from the `x-amzn-ErrorType` header, else body `__type`, else body `code`. */
export function readErrorType(headers: HeaderReader, body: unknown): string | undefined {
  const candidates = [headers.get('x-amzn-errortype'), field(body, '__type'), field(body, 'code')];
  for (const candidate of candidates) {
    if (candidate === undefined || candidate === null) continue;
    const type = sanitizeErrorType(candidate);
    if (type !== '') return type;
  }
  return undefined;
}

/** The service's explanation (`message` or `Message`), bounded, or ''. */
export function readErrorMessage(body: unknown): string {
  const message = field(body, 'message') ?? field(body, 'Message') ?? '';
  return message.slice(0, MAX_DETAIL_CHARS);
}

/** True when the service said the signing credentials have expired. */
export function isExpiredCredentialsType(type: string | undefined): boolean {
  return type !== undefined && EXPIRED_CREDENTIALS_TYPES.has(type);
}

/**
 * The typed error for a non-2xx answer. Throttling is recognised by type whatever the status
 * (the IoT control plane sends ThrottlingException with HTTP 400) and by HTTP 429.
 */
export function toHttpError(
  operation: string,
  status: number,
  headers: HeaderReader,
  bodyText: string,
): HttpError {
  const body = parseJson(bodyText);
  const type = readErrorType(headers, body);
  const detail = readErrorMessage(body);
  const extra = {
    requestId: headers.get('x-amzn-requestid') ?? headers.get('x-amz-request-id') ?? undefined,
    bodyPreview: bodyText.slice(0, MAX_DETAIL_CHARS),
  };
  if (status === 429 || (type !== undefined && THROTTLING_TYPES.has(type))) {
    return new ThrottlingError(operation, status, type, detail, extra);
  }
  if (status === 503 || type === 'ServiceUnavailableException') {
    return new ServiceUnavailableError(operation, status, type, detail, extra);
  }
  if (status === 404 || type === 'ResourceNotFoundException') {
    return new ResourceNotFoundError(operation, status, type, detail, extra);
  }
  if (type === 'InvalidRequestException')
    return new InvalidRequestError(operation, status, type, detail, extra);
  return new HttpError(operation, status, type, detail, extra);
}

/** `: <AWS's explanation>` (its `message`, bounded), or '' — never the raw body. */
export function serviceMessage(body: string): string {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return '';
  }
  const message = readErrorMessage(json);
  return message === '' ? '' : `: ${message}`;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function field(body: unknown, name: string): string | undefined {
  if (typeof body !== 'object' || body === null || !(name in body)) return undefined;
  const value: unknown = (body as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}

/**
 * A 2xx answer that is not the documented shape: not JSON, or fields missing or mistyped. Not
 * retried (the same request would get the same answer); `status` is the HTTP status received.
 */
export class MalformedResponseError extends HttpError {
  override name = 'MalformedResponseError';
}
