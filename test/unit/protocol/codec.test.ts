import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../../src/errors.js';
import {
  type DecodeResult,
  decodeDescribeAccepted,
  decodeGetPendingAccepted,
  decodeNotify,
  decodeNotifyNext,
  decodeRejected,
  decodeStartNextAccepted,
  decodeUpdateAccepted,
  MAX_JSON_DEPTH,
  MAX_PAYLOAD_BYTES,
  readClientToken,
} from '../../../src/protocol/codec.js';
import { bytes, fixture, fixtureJson } from './payloads.js';

const TOPIC = '$aws/things/rpi-kitchen-01/jobs/notify';

function valueOf<T>(result: DecodeResult<T>): T {
  if (!result.ok) throw result.error;
  return result.value;
}

function warningsOf<T>(result: DecodeResult<T>): readonly string[] {
  if (!result.ok) throw result.error;
  return result.warnings;
}

function errorOf<T>(result: DecodeResult<T>): ProtocolError {
  if (result.ok) throw new Error(`expected a ProtocolError, decoded ${JSON.stringify(result.value)}`);
  return result.error;
}

describe('AWS doc examples', () => {
  it('decodes the notify example with statuses taken from the list keys', () => {
    expect(decodeNotify(TOPIC, fixture('notify-example.json'))).toStrictEqual({
      ok: true,
      warnings: [],
      value: {
        timestamp: 10011,
        executions: [
          {
            jobId: 'other-job',
            status: 'IN_PROGRESS',
            queuedAt: 10003,
            lastUpdatedAt: 10009,
            executionNumber: 1,
            versionNumber: 1,
          },
          {
            jobId: 'this-job',
            status: 'QUEUED',
            queuedAt: 10011,
            lastUpdatedAt: 10011,
            executionNumber: 1,
            versionNumber: 0,
          },
        ],
      },
    });
  });

  it('decodes a notify list holding one queued job', () => {
    expect(valueOf(decodeNotify(TOPIC, fixture('notify-job1-queued.json')))).toStrictEqual({
      timestamp: 1517016948,
      executions: [
        {
          jobId: 'job1',
          status: 'QUEUED',
          queuedAt: 1517016947,
          lastUpdatedAt: 1517016947,
          executionNumber: 1,
          versionNumber: 1,
        },
      ],
    });
  });

  it('keeps startedAt and the order of a notify list with several statuses', () => {
    const { executions } = valueOf(decodeNotify(TOPIC, fixture('notify-job3-added.json')));
    expect(executions.map((e) => [e.jobId, e.status, e.startedAt])).toStrictEqual([
      ['job1', 'IN_PROGRESS', 1517017472],
      ['job2', 'QUEUED', undefined],
      ['job3', 'QUEUED', undefined],
    ]);
  });

  it('decodes a notify with an empty jobs map as no executions', () => {
    expect(valueOf(decodeNotify(TOPIC, fixture('notify-empty.json')))).toStrictEqual({
      timestamp: 1517189551,
      executions: [],
    });
  });

  it('decodes the notify-next example with its object job document', () => {
    expect(valueOf(decodeNotifyNext(TOPIC, fixture('notify-next-example.json')))).toStrictEqual({
      timestamp: 10011,
      execution: {
        jobId: 'other-job',
        status: 'IN_PROGRESS',
        queuedAt: 10009,
        lastUpdatedAt: 10009,
        versionNumber: 1,
        executionNumber: 1,
        jobDocument: { c: 'd' },
      },
    });
  });

  it('decodes notify-next for a job that jumped ahead', () => {
    expect(
      valueOf(decodeNotifyNext(TOPIC, fixture('notify-next-job3-in-progress.json'))).execution,
    ).toStrictEqual({
      jobId: 'job3',
      status: 'IN_PROGRESS',
      queuedAt: 1517017905,
      startedAt: 1517186779,
      lastUpdatedAt: 1517186779,
      versionNumber: 2,
      executionNumber: 1,
      jobDocument: { operation: 'test' },
    });
  });

  it('decodes a notify-next without execution as null', () => {
    expect(decodeNotifyNext(TOPIC, fixture('notify-next-empty.json'))).toStrictEqual({
      ok: true,
      warnings: [],
      value: { timestamp: 1517189551, execution: null },
    });
  });

  it('decodes get/accepted, reading 13-digit timestamps as milliseconds', () => {
    expect(valueOf(decodeGetPendingAccepted(TOPIC, fixture('get-pending-accepted.json')))).toStrictEqual({
      clientToken: 'client-001',
      timestamp: 1489096425.069,
      inProgress: [
        {
          jobId: 'job1',
          status: 'IN_PROGRESS',
          queuedAt: 1489096123.309,
          lastUpdatedAt: 1489096123.309,
          startedAt: 1489096124,
          versionNumber: 2,
          executionNumber: 1,
        },
      ],
      queued: [
        {
          jobId: 'job2',
          status: 'QUEUED',
          queuedAt: 1489096123.309,
          lastUpdatedAt: 1489096123.309,
          versionNumber: 1,
          executionNumber: 1,
        },
      ],
    });
  });

  it('decodes the (fixed) start-next/accepted example with a string job document and no thingName', () => {
    expect(valueOf(decodeStartNextAccepted(TOPIC, fixture('start-next-accepted.json')))).toStrictEqual({
      clientToken: 'client-1',
      timestamp: 1489088524.284,
      execution: {
        jobId: '022',
        jobDocument: '< contents of job document >',
        status: 'IN_PROGRESS',
        queuedAt: 1489096123.309,
        lastUpdatedAt: 1489096123.309,
        versionNumber: 1,
        executionNumber: 1234567890,
      },
    });
  });

  it('decodes the (fixed) describe/accepted example with approximateSecondsBeforeTimedOut', () => {
    expect(valueOf(decodeDescribeAccepted(TOPIC, fixture('describe-accepted.json')))).toStrictEqual({
      clientToken: 'client-001',
      timestamp: 1489097434.407,
      execution: {
        approximateSecondsBeforeTimedOut: 3540,
        jobId: '023',
        status: 'QUEUED',
        queuedAt: 1489097374.841,
        lastUpdatedAt: 1489097374.841,
        versionNumber: 1,
        jobDocument: { operation: 'test' },
      },
    });
  });

  it.each([
    ['start-next-accepted.doc-verbatim.txt', decodeStartNextAccepted],
    ['describe-accepted.doc-verbatim.txt', decodeDescribeAccepted],
  ])('refuses the verbatim doc text %s, which is not valid JSON', (name, decoder) => {
    expect(errorOf(decoder(TOPIC, fixture(name))).message).toMatch(/is not valid JSON/);
  });

  it('decodes the update/accepted example without state or document', () => {
    expect(valueOf(decodeUpdateAccepted(TOPIC, fixture('update-accepted.json')))).toStrictEqual({
      clientToken: 'client001',
      timestamp: 1476289222.841,
    });
  });

  it('decodes a VersionMismatch rejection with its execution state', () => {
    expect(decodeRejected(TOPIC, fixture('rejected-version-mismatch.json'))).toStrictEqual({
      ok: true,
      warnings: [],
      value: {
        code: 'VersionMismatch',
        message: 'Version mismatch: expected version 1, current version 2',
        clientToken: 'client-001',
        timestamp: 1517189551,
        executionState: { status: 'IN_PROGRESS', statusDetails: { progress: '50%' }, versionNumber: 2 },
      },
    });
  });

  it('decodes a bare RequestThrottled rejection', () => {
    expect(valueOf(decodeRejected(TOPIC, fixture('rejected-throttled.json')))).toStrictEqual({
      code: 'RequestThrottled',
      clientToken: 'client-002',
      timestamp: 1517189552,
    });
  });
});

describe('optional parts', () => {
  it('decodes a notify without a jobs field as no executions', () => {
    expect(valueOf(decodeNotify(TOPIC, bytes({ timestamp: 5 })))).toStrictEqual({
      timestamp: 5,
      executions: [],
    });
  });

  it('decodes an empty notify without inventing a timestamp', () => {
    expect(valueOf(decodeNotify(TOPIC, bytes({})))).toStrictEqual({ executions: [] });
  });

  it('decodes get/accepted without lists as empty lists', () => {
    expect(valueOf(decodeGetPendingAccepted(TOPIC, bytes({ clientToken: 'c' })))).toStrictEqual({
      clientToken: 'c',
      inProgress: [],
      queued: [],
    });
  });

  it('decodes start-next/accepted without execution as null (nothing pending)', () => {
    expect(valueOf(decodeStartNextAccepted(TOPIC, bytes({ clientToken: 'c', timestamp: 7 })))).toStrictEqual({
      clientToken: 'c',
      timestamp: 7,
      execution: null,
    });
  });

  it('decodes a $next describe reply without execution as null', () => {
    expect(valueOf(decodeDescribeAccepted(TOPIC, bytes({ clientToken: 'c' })))).toStrictEqual({
      clientToken: 'c',
      execution: null,
    });
  });

  it('reads null optional fields as absent', () => {
    const payload = {
      clientToken: null,
      timestamp: null,
      execution: { jobId: 'j', status: 'QUEUED', queuedAt: null, statusDetails: null, jobDocument: null },
    };
    expect(valueOf(decodeDescribeAccepted(TOPIC, bytes(payload)))).toStrictEqual({
      execution: { jobId: 'j', status: 'QUEUED' },
    });
  });

  it('maps update/accepted execution state and job document when asked for', () => {
    const payload = {
      clientToken: 'c',
      timestamp: 1,
      executionState: { status: 'SUCCEEDED', statusDetails: { progress: '100%' }, versionNumber: 3 },
      jobDocument: { operation: 'reboot' },
    };
    expect(valueOf(decodeUpdateAccepted(TOPIC, bytes(payload)))).toStrictEqual(payload);
  });

  it('keeps statusDetails and retryAttempt of an execution', () => {
    const execution = { jobId: 'j', status: 'IN_PROGRESS', statusDetails: { step: '2' }, retryAttempt: 1 };
    expect(valueOf(decodeNotifyNext(TOPIC, bytes({ execution }))).execution).toStrictEqual(execution);
  });
});

describe('leniency', () => {
  it('tolerates and drops unknown fields at every level', () => {
    const payload = fixtureJson('notify-next-example.json');
    const execution = payload['execution'] as Record<string, unknown>;
    const result = decodeNotifyNext(
      TOPIC,
      bytes({
        ...payload,
        newTopLevel: [1],
        execution: { ...execution, thingName: 'MyThing', futureField: { a: 1 } },
      }),
    );
    expect(valueOf(result)).toStrictEqual(
      valueOf(decodeNotifyNext(TOPIC, fixture('notify-next-example.json'))),
    );
  });

  it('tolerates unknown fields in notify list entries', () => {
    const payload = { jobs: { QUEUED: [{ jobId: 'j', queuedAt: 1, status: 'QUEUED', extra: true }] } };
    expect(valueOf(decodeNotify(TOPIC, bytes(payload))).executions).toStrictEqual([
      { jobId: 'j', status: 'QUEUED', queuedAt: 1 },
    ]);
  });

  it('accepts numeric strings for numbers', () => {
    const execution = {
      jobId: 'j',
      status: 'QUEUED',
      queuedAt: '1517016947',
      versionNumber: '2',
      executionNumber: ' 3 ',
      approximateSecondsBeforeTimedOut: '60',
    };
    expect(valueOf(decodeNotifyNext(TOPIC, bytes({ timestamp: '1517016948', execution })))).toStrictEqual({
      timestamp: 1517016948,
      execution: {
        jobId: 'j',
        status: 'QUEUED',
        queuedAt: 1517016947,
        versionNumber: 2,
        executionNumber: 3,
        approximateSecondsBeforeTimedOut: 60,
      },
    });
  });

  it.each([
    [1517016948, 1517016948],
    [1e11, 1e11],
    [100000000001, 100000000.001],
    [1517016948123, 1517016948.123],
    ['1517016948123', 1517016948.123],
    [1.517016947e9, 1517016947],
  ])('reads timestamp %s as %s seconds', (wire, seconds) => {
    expect(valueOf(decodeNotify(TOPIC, bytes({ timestamp: wire }))).timestamp).toBe(seconds);
  });

  it('does not scale durations that look large', () => {
    const execution = { jobId: 'j', status: 'QUEUED', approximateSecondsBeforeTimedOut: 200000000000 };
    expect(
      valueOf(decodeDescribeAccepted(TOPIC, bytes({ execution }))).execution
        ?.approximateSecondsBeforeTimedOut,
    ).toBe(200000000000);
  });

  it('keeps a rejection code it does not know', () => {
    expect(valueOf(decodeRejected(TOPIC, bytes({ code: 'BrandNewCode' })))).toStrictEqual({
      code: 'BrandNewCode',
    });
  });
});

describe('unknown statuses', () => {
  it('keeps an unknown notify list key as the status and warns', () => {
    const result = decodeNotify(
      TOPIC,
      bytes({ jobs: { SCHEDULED: [{ jobId: 'later' }], QUEUED: [{ jobId: 'now' }] } }),
    );
    expect(valueOf(result).executions).toStrictEqual([
      { jobId: 'later', status: 'SCHEDULED' },
      { jobId: 'now', status: 'QUEUED' },
    ]);
    expect(warningsOf(result)).toStrictEqual([expect.stringContaining('"SCHEDULED"')]);
  });

  it('keeps an unknown execution status verbatim and warns naming the job', () => {
    const result = decodeNotifyNext(TOPIC, bytes({ execution: { jobId: 'j1', status: 'PAUSED' } }));
    expect(valueOf(result).execution).toStrictEqual({ jobId: 'j1', status: 'PAUSED' });
    expect(warningsOf(result)).toStrictEqual([expect.stringMatching(/"PAUSED".*j1/)]);
  });

  it.each([
    ['start-next/accepted', decodeStartNextAccepted],
    ['describe/accepted', decodeDescribeAccepted],
  ])('keeps an unknown status in %s with a warning', (_name, decoder) => {
    const result = decoder(TOPIC, bytes({ clientToken: 'c', execution: { jobId: 'j', status: 'Weird' } }));
    expect(valueOf(result).execution?.status).toBe('Weird');
    expect(warningsOf(result)).toHaveLength(1);
  });

  it('keeps an unknown executionState status in update/accepted with a warning', () => {
    const result = decodeUpdateAccepted(TOPIC, bytes({ executionState: { status: 'ARCHIVED' } }));
    expect(valueOf(result).executionState).toStrictEqual({ status: 'ARCHIVED' });
    expect(warningsOf(result)).toStrictEqual([expect.stringContaining('"ARCHIVED"')]);
  });

  it('keeps an unknown executionState status in a rejection with a warning', () => {
    const result = decodeRejected(
      TOPIC,
      bytes({ code: 'InvalidStateTransition', executionState: { status: 'ARCHIVED' } }),
    );
    expect(valueOf(result).executionState).toStrictEqual({ status: 'ARCHIVED' });
    expect(warningsOf(result)).toHaveLength(1);
  });

  it('drops a malformed executionState of a rejection with a warning, keeping the rejection', () => {
    const result = decodeRejected(
      TOPIC,
      bytes({ code: 'VersionMismatch', clientToken: 'c', executionState: { status: 7 } }),
    );
    expect(valueOf(result)).toStrictEqual({ code: 'VersionMismatch', clientToken: 'c' });
    expect(warningsOf(result)).toStrictEqual([expect.stringContaining('executionState')]);
  });
});

describe('broken payloads', () => {
  const nextExecution = { jobId: 'j', status: 'QUEUED' };
  const wrongShapes: [
    string,
    (topic: string, payload: Uint8Array) => DecodeResult<unknown>,
    unknown,
    RegExp,
  ][] = [
    ['a numeric jobId', decodeNotifyNext, { execution: { ...nextExecution, jobId: 42 } }, /execution\.jobId/],
    ['a missing jobId', decodeNotifyNext, { execution: { status: 'QUEUED' } }, /execution\.jobId/],
    [
      'a missing jobId in a notify list',
      decodeNotify,
      { jobs: { QUEUED: [{ queuedAt: 1 }] } },
      /jobs\.QUEUED\.0\.jobId/,
    ],
    [
      'a jobId with a slash',
      decodeNotifyNext,
      { execution: { ...nextExecution, jobId: 'a/b' } },
      /execution\.jobId: expected a job id/,
    ],
    ['a missing status', decodeStartNextAccepted, { execution: { jobId: 'j' } }, /execution\.status/],
    [
      'an empty status',
      decodeDescribeAccepted,
      { execution: { jobId: 'j', status: '' } },
      /execution\.status/,
    ],
    [
      'a non-numeric versionNumber',
      decodeNotifyNext,
      { execution: { ...nextExecution, versionNumber: 'two' } },
      /execution\.versionNumber/,
    ],
    [
      'a negative versionNumber',
      decodeNotifyNext,
      { execution: { ...nextExecution, versionNumber: -1 } },
      /execution\.versionNumber/,
    ],
    [
      'a fractional executionNumber',
      decodeNotifyNext,
      { execution: { ...nextExecution, executionNumber: 1.5 } },
      /execution\.executionNumber/,
    ],
    ['a boolean timestamp', decodeNotify, { timestamp: true }, /timestamp/],
    [
      'a numeric statusDetails value',
      decodeNotifyNext,
      { execution: { ...nextExecution, statusDetails: { progress: 50 } } },
      /execution\.statusDetails\.progress/,
    ],
    [
      'an array job document',
      decodeNotifyNext,
      { execution: { ...nextExecution, jobDocument: [1] } },
      /execution\.jobDocument: expected a JSON object or a string/,
    ],
    ['a numeric job document', decodeUpdateAccepted, { jobDocument: 5 }, /jobDocument/],
    ['jobs as an array', decodeNotify, { jobs: [] }, /jobs/],
    [
      'a notify list that is not an array',
      decodeNotify,
      { jobs: { QUEUED: { jobId: 'j' } } },
      /jobs\.QUEUED/,
    ],
    ['queuedJobs as an object', decodeGetPendingAccepted, { queuedJobs: {} }, /queuedJobs/],
    ['a numeric clientToken', decodeGetPendingAccepted, { clientToken: 7 }, /clientToken/],
    ['execution as a string', decodeStartNextAccepted, { execution: 'none' }, /execution/],
    ['a missing rejection code', decodeRejected, { message: 'x' }, /code/],
    [
      'an executionState without status',
      decodeUpdateAccepted,
      { executionState: {} },
      /executionState\.status/,
    ],
  ];

  it.each(wrongShapes)('refuses %s, naming the path', (_name, decoder, payload, path) => {
    const error = errorOf(decoder(TOPIC, bytes(payload)));
    expect(error).toBeInstanceOf(ProtocolError);
    expect(error.code).toBe('ERR_PROTOCOL');
    expect(error.message).toMatch(path);
  });

  it('names the decoder and the topic in the message', () => {
    const error = errorOf(
      decodeUpdateAccepted('$aws/things/t/jobs/j/update/accepted', bytes({ timestamp: 'x' })),
    );
    expect(error.message).toMatch(
      /^invalid update\/accepted payload: timestamp: .*\(topic \$aws\/things\/t\/jobs\/j\/update\/accepted\)$/,
    );
    expect(error.topic).toBe('$aws/things/t/jobs/j/update/accepted');
  });

  it('summarises many issues after the third', () => {
    const error = errorOf(decodeNotify(TOPIC, bytes({ jobs: { QUEUED: [{}, {}, {}, {}, {}] } })));
    expect(error.message).toMatch(/and 2 more/);
  });

  it.each([
    ['an array', '[]', 'an array'],
    ['a number', '42', 'a number'],
    ['a string', '"hello"', 'a string'],
    ['null', 'null', 'null'],
    ['a boolean', 'true', 'a boolean'],
  ])('refuses %s as the payload', (_name, text, kind) => {
    expect(errorOf(decodeNotify(TOPIC, bytes(text))).message).toContain(`not a JSON object (got ${kind})`);
  });

  it.each(['', '{', '{"jobs":', "{'a':1}", '{"a":1,}', 'NaN'])('refuses invalid JSON %j', (text) => {
    expect(errorOf(decodeNotify(TOPIC, bytes(text))).message).toMatch(/^notify payload is not valid JSON/);
  });

  it('refuses invalid UTF-8 and previews it with replacement characters', () => {
    const payload = new Uint8Array([...bytes('{"clientToken":"'), 0xc3, 0x28, ...bytes('"}')]);
    const error = errorOf(decodeRejected(TOPIC, payload));
    expect(error.message).toMatch(/^rejected payload is not valid UTF-8/);
    expect(error.payloadPreview).toBe('{"clientToken":"\uFFFD("}');
  });

  it('refuses a lone surrogate encoded in UTF-8 (CESU)', () => {
    expect(errorOf(decodeNotify(TOPIC, new Uint8Array([0x7b, 0xed, 0xa0, 0x80, 0x7d]))).message).toMatch(
      /UTF-8/,
    );
  });

  it(`refuses nesting deeper than ${MAX_JSON_DEPTH} levels`, () => {
    const deep = `${'['.repeat(MAX_JSON_DEPTH)}${']'.repeat(MAX_JSON_DEPTH)}`;
    const payload = `{"execution":{"jobId":"j","status":"QUEUED","jobDocument":{"a":${deep}}}}`;
    expect(errorOf(decodeNotifyNext(TOPIC, bytes(payload))).message).toContain(
      `nests deeper than ${MAX_JSON_DEPTH} levels`,
    );
  });

  it(`accepts nesting of exactly ${MAX_JSON_DEPTH} levels`, () => {
    const inner = MAX_JSON_DEPTH - 3; // payload, execution and jobDocument objects
    const deep = `${'['.repeat(inner)}${']'.repeat(inner)}`;
    const payload = `{"execution":{"jobId":"j","status":"QUEUED","jobDocument":{"a":${deep}}}}`;
    expect(decodeNotifyNext(TOPIC, bytes(payload)).ok).toBe(true);
  });

  it('does not count brackets inside strings, escaped quotes included', () => {
    const text = `[\\"${'['.repeat(500)}`;
    const payload = { execution: { jobId: 'j', status: 'QUEUED', jobDocument: { text } } };
    expect(valueOf(decodeNotifyNext(TOPIC, bytes(payload))).execution?.jobDocument).toStrictEqual({ text });
  });

  it('refuses a payload over the AWS publish limit before parsing it', () => {
    const payload = bytes(`{"pad":"${'x'.repeat(MAX_PAYLOAD_BYTES)}"}`);
    const error = errorOf(decodeNotify(TOPIC, payload));
    expect(error.message).toContain(`${payload.byteLength} bytes, over ${MAX_PAYLOAD_BYTES}`);
  });

  it('keeps at most 200 characters of the payload as its preview', () => {
    const payload = bytes(`[${'"abcdefghij",'.repeat(100)}1]`);
    const error = errorOf(decodeNotify(TOPIC, payload));
    expect(error.payloadPreview).toHaveLength(200);
    expect(error.payloadPreview).toBe(new TextDecoder().decode(payload).slice(0, 200));
  });

  it('keeps the cause of a JSON syntax error', () => {
    expect(errorOf(decodeNotify(TOPIC, bytes('{'))).cause).toBeInstanceOf(SyntaxError);
  });
});

describe('totality', () => {
  const decoders = [
    decodeNotify,
    decodeNotifyNext,
    decodeGetPendingAccepted,
    decodeStartNextAccepted,
    decodeDescribeAccepted,
    decodeUpdateAccepted,
    decodeRejected,
  ];

  it('never throws on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (payload) => {
        for (const decoder of decoders) {
          const result = decoder(TOPIC, payload);
          if (!result.ok) expect(result.error).toBeInstanceOf(ProtocolError);
        }
        readClientToken(payload);
      }),
    );
  });

  it('never throws on arbitrary JSON values', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (value) => {
        const payload = bytes(JSON.stringify(value));
        for (const decoder of decoders) {
          const result = decoder(TOPIC, payload);
          if (!result.ok) expect(result.error).toBeInstanceOf(ProtocolError);
        }
      }),
    );
  });

  it('never throws on execution-like objects with arbitrary field values', () => {
    const field = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constant(undefined));
    const execution = fc.record({
      jobId: field,
      status: field,
      queuedAt: field,
      statusDetails: field,
      jobDocument: field,
    });
    fc.assert(
      fc.property(execution, (value) => {
        const result = decodeNotifyNext(TOPIC, bytes({ execution: value }));
        if (result.ok) expect(typeof result.value.execution?.jobId).toBe('string');
        else expect(result.error.message).toMatch(/^invalid notify-next payload: execution/);
      }),
    );
  });
});

describe('readClientToken', () => {
  it.each([
    ['get-pending-accepted.json', 'client-001'],
    ['start-next-accepted.json', 'client-1'],
    ['describe-accepted.json', 'client-001'],
    ['update-accepted.json', 'client001'],
    ['rejected-version-mismatch.json', 'client-001'],
  ])('reads the token of %s', (name, token) => {
    expect(readClientToken(fixture(name))).toBe(token);
  });

  it.each([
    ['a notification', fixture('notify-example.json')],
    [
      'a token nested in the job document',
      bytes({ execution: { jobId: 'j', jobDocument: { clientToken: 'x' } } }),
    ],
    ['a numeric token', bytes({ clientToken: 5 })],
    ['an empty token', bytes({ clientToken: '' })],
    ['an array payload', bytes('[{"clientToken":"x"}]')],
    ['invalid JSON', bytes('{"clientToken":"x"')],
    ['invalid UTF-8', new Uint8Array([...bytes('{"clientToken":"x'), 0xff, ...bytes('"}')])],
    ['an empty payload', new Uint8Array()],
  ])('returns undefined for %s', (_name, payload) => {
    expect(readClientToken(payload)).toBeUndefined();
  });

  it('reads an escaped token value', () => {
    expect(readClientToken(bytes('{"clientToken":"a\\"b"}'))).toBe('a"b');
  });
});
