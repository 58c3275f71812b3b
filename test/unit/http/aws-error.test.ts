import { describe, expect, it } from 'vitest';
import {
  MalformedResponseError,
  readErrorMessage,
  readErrorType,
  sanitizeErrorType,
  toHttpError,
} from '../../../src/http/aws-error.js';
import {
  HttpError,
  InvalidRequestError,
  ResourceNotFoundError,
  ServiceUnavailableError,
  ThrottlingError,
} from '../../../src/errors.js';

describe('sanitizeErrorType', () => {
  it.each([
    ['ThrottlingException', 'ThrottlingException'],
    ['FooError:http://internal.amazon.com/coral/com.amazon.coral.validate/', 'FooError'],
    ['aws.protocoltests.restjson#FooError', 'FooError'],
    ['aws.protocoltests.restjson#FooError:http://internal.amazon.com/coral/', 'FooError'],
    ['com.amazonaws.iot#ResourceNotFoundException', 'ResourceNotFoundException'],
    ['  InvalidRequestException  ', 'InvalidRequestException'],
  ])('reads %j as %j', (raw, expected) => {
    expect(sanitizeErrorType(raw)).toBe(expected);
  });
});

describe('readErrorType', () => {
  it('prefers the x-amzn-ErrorType header', () => {
    const headers = new Headers({ 'X-Amzn-ErrorType': 'ThrottlingException:http://x/' });
    expect(readErrorType(headers, { __type: 'Other', code: 'Third' })).toBe('ThrottlingException');
  });

  it('falls back to body __type', () => {
    expect(readErrorType(new Headers(), { __type: 'ns#InvalidRequestException', code: 'Third' })).toBe(
      'InvalidRequestException',
    );
  });

  it('falls back to body code', () => {
    expect(readErrorType(new Headers(), { code: 'ResourceNotFoundException' })).toBe(
      'ResourceNotFoundException',
    );
  });

  it('is undefined when nothing names a type', () => {
    expect(readErrorType(new Headers(), { message: 'nope' })).toBeUndefined();
  });
});

describe('readErrorMessage', () => {
  it('reads message or Message, bounded to 200 characters', () => {
    expect(readErrorMessage({ Message: 'x'.repeat(500) })).toHaveLength(200);
    expect(readErrorMessage({ message: 'Rate exceeded' })).toBe('Rate exceeded');
  });
});

describe('toHttpError', () => {
  const headers = (type?: string): Headers => new Headers(type ? { 'x-amzn-errortype': type } : {});

  it.each([
    [400, 'ThrottlingException', ThrottlingError],
    [429, undefined, ThrottlingError],
    [503, undefined, ServiceUnavailableError],
    [500, 'ServiceUnavailableException', ServiceUnavailableError],
    [404, undefined, ResourceNotFoundError],
    [404, 'ResourceNotFoundException', ResourceNotFoundError],
    [400, 'InvalidRequestException', InvalidRequestError],
  ] as const)('maps HTTP %i %s to %o', (status, type, expected) => {
    const error = toHttpError('Op', status, headers(type), '{}');
    expect(error).toBeInstanceOf(expected);
    expect(error.status).toBe(status);
    expect(error.errorType).toBe(type);
  });

  it('keeps any other status and type on a plain HttpError', () => {
    const error = toHttpError('Op', 403, headers('AccessDeniedException'), '{"message":"denied"}');
    expect(error.constructor).toBe(HttpError);
    expect(error.errorType).toBe('AccessDeniedException');
    expect(error.message).toBe('Op failed: HTTP 403 AccessDeniedException: denied');
  });

  it('bounds the body preview', () => {
    const error = toHttpError('Op', 500, headers(), 'y'.repeat(5000));
    expect(error.bodyPreview).toHaveLength(200);
  });

  it('reads the request id', () => {
    const error = toHttpError('Op', 500, new Headers({ 'x-amzn-RequestId': 'req-1' }), '');
    expect(error.requestId).toBe('req-1');
  });

  it('makes MalformedResponseError part of the HttpError family', () => {
    expect(new MalformedResponseError('Op', 200, undefined, 'bad')).toBeInstanceOf(HttpError);
  });
});
