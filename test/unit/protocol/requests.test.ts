import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.js';
import {
  encodeDescribeRequest,
  encodeGetPendingRequest,
  encodeStartNextRequest,
  encodeUpdateRequest,
  statusDetailsProblem,
  STEP_TIMEOUT_MAX_MINUTES,
  stepTimeoutProblem,
  type UpdateRequest,
} from '../../../src/protocol/requests.js';
import { DEVICE_SETTABLE_STATUSES, type DeviceSettableStatus } from '../../../src/protocol/types.js';
import { fixtureJson } from './payloads.js';

const TOKEN = '0b7c4e52-6a59-4c1e-9d0a-1b5b7b4f6c11';

function parsed(json: string): unknown {
  return JSON.parse(json);
}

function configErrorOf(action: () => unknown): ConfigError {
  try {
    action();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError, nothing was thrown');
}

function pathsOf(action: () => unknown): string[] {
  return configErrorOf(action).issues.map((issue) => issue.path);
}

describe('encodeGetPendingRequest', () => {
  it('sends only the client token', () => {
    expect(parsed(encodeGetPendingRequest({ clientToken: TOKEN }))).toStrictEqual({ clientToken: TOKEN });
  });
});

describe('encodeStartNextRequest', () => {
  it('sends status details and a step timeout', () => {
    const body = encodeStartNextRequest({
      clientToken: TOKEN,
      statusDetails: { step: 'download' },
      stepTimeoutInMinutes: 30,
    });
    expect(parsed(body)).toStrictEqual({
      clientToken: TOKEN,
      statusDetails: { step: 'download' },
      stepTimeoutInMinutes: 30,
    });
  });

  it('leaves out optional fields that are undefined', () => {
    const body = encodeStartNextRequest({
      clientToken: TOKEN,
      statusDetails: undefined,
      stepTimeoutInMinutes: undefined,
    });
    expect(parsed(body)).toStrictEqual({ clientToken: TOKEN });
  });

  it('sends empty status details', () => {
    expect(parsed(encodeStartNextRequest({ clientToken: TOKEN, statusDetails: {} }))).toStrictEqual({
      clientToken: TOKEN,
      statusDetails: {},
    });
  });
});

describe('encodeDescribeRequest', () => {
  it('sends executionNumber 0 and includeJobDocument false', () => {
    const body = encodeDescribeRequest({ clientToken: TOKEN, executionNumber: 0, includeJobDocument: false });
    expect(parsed(body)).toStrictEqual({ clientToken: TOKEN, executionNumber: 0, includeJobDocument: false });
  });

  it('sends only the client token by default', () => {
    expect(parsed(encodeDescribeRequest({ clientToken: TOKEN }))).toStrictEqual({ clientToken: TOKEN });
  });
});

describe('encodeUpdateRequest', () => {
  it('sends zero and false values instead of dropping them', () => {
    const body = encodeUpdateRequest({
      clientToken: TOKEN,
      status: 'IN_PROGRESS',
      expectedVersion: 0,
      executionNumber: 0,
      includeJobExecutionState: false,
      includeJobDocument: false,
    });
    expect(parsed(body)).toStrictEqual({
      clientToken: TOKEN,
      status: 'IN_PROGRESS',
      expectedVersion: 0,
      executionNumber: 0,
      includeJobExecutionState: false,
      includeJobDocument: false,
    });
  });

  it('sends every field it is given', () => {
    const request = {
      clientToken: TOKEN,
      status: 'IN_PROGRESS',
      statusDetails: { progress: '10%' },
      expectedVersion: 4,
      executionNumber: 2,
      includeJobExecutionState: true,
      includeJobDocument: true,
      stepTimeoutInMinutes: STEP_TIMEOUT_MAX_MINUTES,
    } as const;
    expect(parsed(encodeUpdateRequest(request))).toStrictEqual(request);
  });

  it('leaves out optional fields that are undefined', () => {
    const body = encodeUpdateRequest({
      clientToken: TOKEN,
      status: 'FAILED',
      expectedVersion: undefined,
      statusDetails: undefined,
    });
    expect(parsed(body)).toStrictEqual({ clientToken: TOKEN, status: 'FAILED' });
  });

  it.each(DEVICE_SETTABLE_STATUSES)('accepts the device-settable status %s', (status) => {
    expect(parsed(encodeUpdateRequest({ clientToken: TOKEN, status }))).toStrictEqual({
      clientToken: TOKEN,
      status,
    });
  });

  it.each(['QUEUED', 'CANCELED', 'TIMED_OUT', 'REMOVED', 'in_progress', ''])(
    'refuses the status %j',
    (status) => {
      expect(
        pathsOf(() => encodeUpdateRequest({ clientToken: TOKEN, status: status as DeviceSettableStatus })),
      ).toStrictEqual(['status']);
    },
  );

  it.each(['update-request-in-progress.json', 'update-request-succeeded.json', 'update-request-failed.json'])(
    'produces the body of the doc example %s, with expectedVersion as a number',
    (name) => {
      const example = fixtureJson(name);
      const request = {
        ...example,
        expectedVersion: Number(example['expectedVersion']),
      } as unknown as UpdateRequest;
      expect(parsed(encodeUpdateRequest(request))).toStrictEqual(request);
    },
  );

  it('does not depend on the key order of status details', () => {
    const forward = encodeUpdateRequest({
      clientToken: TOKEN,
      status: 'FAILED',
      statusDetails: { errorCode: '101', errorMsg: 'x' },
    });
    const backward = encodeUpdateRequest({
      clientToken: TOKEN,
      status: 'FAILED',
      statusDetails: { errorMsg: 'x', errorCode: '101' },
    });
    expect(parsed(forward)).toStrictEqual(parsed(backward));
  });

  it('names the offending status detail whatever its position', () => {
    const details = { a: 'ok', bad: '', z: 'ok' };
    const reordered = { z: 'ok', bad: '', a: 'ok' };
    expect(
      pathsOf(() => encodeUpdateRequest({ clientToken: TOKEN, status: 'FAILED', statusDetails: details })),
    ).toStrictEqual(['statusDetails.bad']);
    expect(
      pathsOf(() => encodeUpdateRequest({ clientToken: TOKEN, status: 'FAILED', statusDetails: reordered })),
    ).toStrictEqual(['statusDetails.bad']);
  });

  it('writes one line of JSON', () => {
    expect(
      encodeUpdateRequest({ clientToken: TOKEN, status: 'SUCCEEDED', statusDetails: { a: 'b' } }),
    ).not.toContain('\n');
  });
});

describe('input checks', () => {
  const base = { clientToken: TOKEN, status: 'IN_PROGRESS' } as const;

  it.each([
    ['statusDetails.progress', { ...base, statusDetails: { progress: '' } }],
    ['statusDetails.progress', { ...base, statusDetails: { progress: 'line\nbreak' } }],
    ['statusDetails', { ...base, statusDetails: { 'bad key': 'v' } }],
    ['statusDetails', { ...base, statusDetails: 'progress=50' as unknown as Record<string, string> }],
    ['statusDetails', { ...base, statusDetails: null as unknown as Record<string, string> }],
    ['stepTimeoutInMinutes', { ...base, stepTimeoutInMinutes: 0 }],
    ['stepTimeoutInMinutes', { ...base, stepTimeoutInMinutes: '5' as unknown as number }],
    ['expectedVersion', { ...base, expectedVersion: -1 }],
    ['expectedVersion', { ...base, expectedVersion: 1.5 }],
    ['expectedVersion', { ...base, expectedVersion: '1' as unknown as number }],
    ['executionNumber', { ...base, executionNumber: Number.NaN }],
    ['includeJobDocument', { ...base, includeJobDocument: 'yes' as unknown as boolean }],
    ['includeJobExecutionState', { ...base, includeJobExecutionState: 1 as unknown as boolean }],
    ['clientToken', { ...base, clientToken: '' }],
    ['clientToken', { ...base, clientToken: 'x'.repeat(65) }],
    ['clientToken', { ...base, clientToken: 'has space' }],
    ['clientToken', { ...base, clientToken: 'naïve' }],
    ['clientToken', { ...base, clientToken: undefined as unknown as string }],
  ] as const)('encodeUpdateRequest refuses a bad %s', (path, request) => {
    const error = configErrorOf(() => encodeUpdateRequest(request));
    expect(error.code).toBe('ERR_CONFIG');
    expect(error.issues.map((issue) => issue.path)).toStrictEqual([path]);
  });

  it('accepts a 64-character client token', () => {
    expect(parsed(encodeGetPendingRequest({ clientToken: 'x'.repeat(64) }))).toStrictEqual({
      clientToken: 'x'.repeat(64),
    });
  });

  it.each([
    ['encodeGetPendingRequest', () => encodeGetPendingRequest({ clientToken: '' }), 'clientToken'],
    [
      'encodeStartNextRequest',
      () => encodeStartNextRequest({ clientToken: TOKEN, stepTimeoutInMinutes: 10081 }),
      'stepTimeoutInMinutes',
    ],
    [
      'encodeStartNextRequest',
      () => encodeStartNextRequest({ clientToken: TOKEN, statusDetails: { k: '\u0000' } }),
      'statusDetails.k',
    ],
    [
      'encodeDescribeRequest',
      () => encodeDescribeRequest({ clientToken: TOKEN, executionNumber: -1 }),
      'executionNumber',
    ],
    ['encodeDescribeRequest', () => encodeDescribeRequest({ clientToken: 'a b' }), 'clientToken'],
  ])('%s refuses a bad %s', (_name, action, path) => {
    expect(pathsOf(action)).toStrictEqual([path]);
  });
});

describe('statusDetailsProblem', () => {
  it.each([
    {},
    { progress: '50%' },
    { 'a:b_c-D9': 'v' },
    { ['k'.repeat(128)]: 'v' },
    { big: 'v'.repeat(1024) },
    { unicode: 'ünïcødé 🚀 中文' },
    { spaces: 'with spaces and "quotes"' },
  ])('accepts %j', (details) => {
    expect(statusDetailsProblem(details)).toBeUndefined();
  });

  it.each([
    ['an empty key', { '': 'v' }, /^statusDetails: key ""/],
    ['a 129-character key', { ['k'.repeat(129)]: 'v' }, /^statusDetails: key "k+" must be 1-128/],
    ['a key with a dot', { 'a.b': 'v' }, /^statusDetails: key "a\.b"/],
    ['a key with a slash', { 'a/b': 'v' }, /^statusDetails: key/],
    ['an empty value', { progress: '' }, /^statusDetails\.progress: must be 1-1024 characters \(got 0\)/],
    [
      'a 1025-character value',
      { progress: 'v'.repeat(1025) },
      /^statusDetails\.progress: must be 1-1024 characters \(got 1025\)/,
    ],
    ['a newline', { progress: 'a\nb' }, /^statusDetails\.progress: must not contain control/],
    ['a tab', { progress: 'a\tb' }, /^statusDetails\.progress: must not contain control/],
    ['a NUL', { progress: '\u0000' }, /^statusDetails\.progress: must not contain control/],
    ['a DEL', { progress: 'a\u007f' }, /^statusDetails\.progress: must not contain control/],
    [
      'a zero-width space (format character)',
      { progress: 'a\u200bb' },
      /^statusDetails\.progress: must not contain/,
    ],
    ['a lone surrogate', { progress: 'a\ud800' }, /^statusDetails\.progress: must not contain/],
    ['a number value', { progress: 50 as unknown as string }, /^statusDetails\.progress: must be a string/],
  ])('refuses %s', (_name, details, message) => {
    expect(statusDetailsProblem(details)).toMatch(message);
  });

  it('reports the first bad entry', () => {
    expect(statusDetailsProblem({ good: 'v', first: '', second: '' })).toMatch(/^statusDetails\.first:/);
  });
});

describe('stepTimeoutProblem', () => {
  it.each([1, 60, 10080])('accepts %s minutes', (minutes) => {
    expect(stepTimeoutProblem(minutes)).toBeUndefined();
  });

  it.each([0, -1, 10081, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('refuses %s minutes', (minutes) => {
    expect(stepTimeoutProblem(minutes)).toBe('must be a whole number of minutes from 1 to 10080');
  });
});
