import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type DecodeResult,
  decodeDescribeAccepted,
  decodeDescribeAcceptedBySchema,
  decodeGetPendingAccepted,
  decodeGetPendingAcceptedBySchema,
  decodeNotify,
  decodeNotifyBySchema,
  decodeNotifyNext,
  decodeNotifyNextBySchema,
} from '../../../src/protocol/codec.js';
import {
  fastDecodeDescribeAccepted,
  fastDecodeGetPendingAccepted,
  fastDecodeNotify,
  fastDecodeNotifyNext,
} from '../../../src/protocol/fast-decode.js';
import type { GetPendingReply, NotifyMessage } from '../../../src/protocol/messages.js';
import { JOB_STATUSES, type JobExecution } from '../../../src/protocol/types.js';
import { bytes, fixture } from './payloads.js';

const TOPIC = '$aws/things/rpi-kitchen-01/jobs/notify';

type Json = Record<string, unknown>;
type Fast = (json: Json) => unknown;
type Decode = (topic: string, payload: Uint8Array) => DecodeResult<unknown>;

interface Pair {
  readonly name: string;
  readonly fast: Fast;
  readonly schema: Decode;
  readonly public: Decode;
}

const NOTIFY: Pair = {
  name: 'notify',
  fast: fastDecodeNotify,
  schema: decodeNotifyBySchema,
  public: decodeNotify,
};
const NOTIFY_NEXT: Pair = {
  name: 'notify-next',
  fast: fastDecodeNotifyNext,
  schema: decodeNotifyNextBySchema,
  public: decodeNotifyNext,
};
const DESCRIBE: Pair = {
  name: 'describe/accepted',
  fast: fastDecodeDescribeAccepted,
  schema: decodeDescribeAcceptedBySchema,
  public: decodeDescribeAccepted,
};
const GET_PENDING: Pair = {
  name: 'get/accepted',
  fast: fastDecodeGetPendingAccepted,
  schema: decodeGetPendingAcceptedBySchema,
  public: decodeGetPendingAccepted,
};

/** The value and warnings the schema path gives, or a throw when it fails. */
function schemaResult(pair: Pair, json: Json): { value: unknown; warnings: readonly string[] } {
  const result = pair.schema(TOPIC, bytes(json));
  if (!result.ok) throw result.error;
  return { value: result.value, warnings: result.warnings };
}

/** Round-trips through JSON text, as a payload arrives, so the fast path sees parsed JSON. */
function parsed(json: Json): Json {
  return JSON.parse(JSON.stringify(json)) as Json;
}

/** Asserts the fast path accepts `json` and matches the schema path exactly. */
function expectAcceptedAsSchema(pair: Pair, json: Json): void {
  const fast = pair.fast(parsed(json));
  expect(fast).not.toBeUndefined();
  const schema = schemaResult(pair, json);
  expect(schema.warnings).toEqual([]);
  expect(fast).toStrictEqual(schema.value);
}

// --- generators: canonical field values, and the non-canonical ones the schemas also accept
// (or reject), mixed in so that the fast path's declines are exercised too.

const jobId = fc.stringMatching(/^[a-zA-Z0-9_-]{1,64}$/);
const knownStatus = fc.constantFrom(...JOB_STATUSES);
const canonicalTimestamp = fc.oneof(
  fc.integer({ min: 0, max: 1e11 }),
  fc.double({ min: 0, max: 1e11, noNaN: true }),
);
const canonicalCount = fc.oneof(fc.nat(1000), fc.maxSafeNat());
const canonicalSeconds = fc.double({ min: 0, max: 1e13, noNaN: true, noDefaultInfinity: true });
const statusDetails = fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 3 });
const jobDocument = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
);

/** Values the schemas coerce, transform, read as absent or reject: never canonical. */
const noise = fc.oneof(
  fc.constantFrom(
    null,
    '12',
    ' 7 ',
    '1e3',
    '-1',
    '',
    'abc',
    true,
    [],
    {},
    -1,
    1.5,
    2 ** 53,
    1_700_000_000_000,
  ),
  fc.constantFrom('FUTURE_STATUS', '$next', 'a b', 'x'.repeat(65), '__proto__'),
  fc.jsonValue({ maxDepth: 1 }),
);

/** A field: usually canonical, sometimes absent, with `noisy` sometimes non-canonical. */
function field<T>(canonical: fc.Arbitrary<T>, noisy: boolean): fc.Arbitrary<unknown> {
  const options: fc.WeightedArbitrary<unknown>[] = [
    { weight: 6, arbitrary: canonical },
    { weight: 2, arbitrary: fc.constant(undefined) },
  ];
  if (noisy) options.push({ weight: 1, arbitrary: noise });
  return fc.oneof(...options);
}

/** Unknown extra fields (the schemas strip them); merged under the known ones. */
const extras = fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 2 });

function withExtras(known: fc.Arbitrary<Json>, noisy: boolean): fc.Arbitrary<Json> {
  return fc
    .tuple(noisy ? extras : fc.constant({}), known)
    .map(([extra, fields]) => ({ ...extra, ...dropUndefined(fields) }));
}

function dropUndefined(fields: Json): Json {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}

function summary(noisy: boolean): fc.Arbitrary<Json> {
  return withExtras(
    fc.record({
      jobId: noisy ? fc.oneof({ weight: 8, arbitrary: jobId }, { weight: 1, arbitrary: noise }) : jobId,
      queuedAt: field(canonicalTimestamp, noisy),
      startedAt: field(canonicalTimestamp, noisy),
      lastUpdatedAt: field(canonicalTimestamp, noisy),
      versionNumber: field(canonicalCount, noisy),
      executionNumber: field(canonicalCount, noisy),
      retryAttempt: field(canonicalCount, noisy),
    }),
    noisy,
  );
}

function data(noisy: boolean): fc.Arbitrary<Json> {
  return fc
    .tuple(
      summary(noisy),
      fc.record({
        status: noisy
          ? fc.oneof({ weight: 8, arbitrary: knownStatus }, { weight: 1, arbitrary: noise })
          : knownStatus,
        thingName: field(fc.string({ maxLength: 10 }), noisy),
        statusDetails: field(statusDetails, noisy),
        jobDocument: field(jobDocument, noisy),
        approximateSecondsBeforeTimedOut: field(canonicalSeconds, noisy),
      }),
    )
    .map(([base, more]) => ({ ...base, ...dropUndefined(more) }));
}

function list(noisy: boolean): fc.Arbitrary<unknown> {
  return field(fc.array(summary(noisy), { maxLength: 4 }), noisy);
}

function notifyPayload(noisy: boolean): fc.Arbitrary<Json> {
  const key = noisy
    ? fc.oneof({ weight: 8, arbitrary: knownStatus }, { weight: 1, arbitrary: fc.string() })
    : knownStatus;
  const jobs = fc
    .uniqueArray(fc.tuple(key, fc.array(summary(noisy), { maxLength: 4 })), {
      selector: ([status]) => status,
      maxLength: 4,
    })
    .map((entries) => Object.fromEntries(entries));
  return withExtras(
    fc.record({ timestamp: field(canonicalTimestamp, noisy), jobs: field(jobs, noisy) }),
    noisy,
  );
}

function notifyNextPayload(noisy: boolean): fc.Arbitrary<Json> {
  return withExtras(
    fc.record({ timestamp: field(canonicalTimestamp, noisy), execution: field(data(noisy), noisy) }),
    noisy,
  );
}

function describePayload(noisy: boolean): fc.Arbitrary<Json> {
  return withExtras(
    fc.record({
      clientToken: field(fc.string({ maxLength: 12 }), noisy),
      timestamp: field(canonicalTimestamp, noisy),
      execution: field(data(noisy), noisy),
    }),
    noisy,
  );
}

function getPendingPayload(noisy: boolean): fc.Arbitrary<Json> {
  return withExtras(
    fc.record({
      clientToken: field(fc.string({ maxLength: 12 }), noisy),
      timestamp: field(canonicalTimestamp, noisy),
      inProgressJobs: list(noisy),
      queuedJobs: list(noisy),
    }),
    noisy,
  );
}

const CASES: readonly [Pair, (noisy: boolean) => fc.Arbitrary<Json>][] = [
  [NOTIFY, notifyPayload],
  [NOTIFY_NEXT, notifyNextPayload],
  [DESCRIBE, describePayload],
  [GET_PENDING, getPendingPayload],
];

describe.each(CASES.map(([pair, payload]) => [pair.name, pair, payload] as const))(
  '%s fast path',
  (_name, pair, payload) => {
    it('matches the schema path wherever it accepts', () => {
      let accepted = 0;
      let declined = 0;
      fc.assert(
        fc.property(payload(true), (json) => {
          const fast = pair.fast(parsed(json));
          if (fast === undefined) {
            declined++;
            return;
          }
          accepted++;
          const schema = schemaResult(pair, json);
          expect(schema.warnings).toEqual([]);
          expect(fast).toStrictEqual(schema.value);
        }),
        { numRuns: 400 },
      );
      // Both branches must have been exercised for the property to mean anything.
      expect(accepted).toBeGreaterThan(0);
      expect(declined).toBeGreaterThan(0);
    });

    it('accepts every canonical payload', () => {
      fc.assert(
        fc.property(payload(false), (json) => {
          expectAcceptedAsSchema(pair, json);
        }),
        { numRuns: 200 },
      );
    });

    it('gives the public decoder the same result as the schema path', () => {
      fc.assert(
        fc.property(payload(true), (json) => {
          const viaPublic = pair.public(TOPIC, bytes(json));
          const viaSchema = pair.schema(TOPIC, bytes(json));
          expect(viaPublic.ok).toBe(viaSchema.ok);
          if (viaPublic.ok && viaSchema.ok) {
            expect(viaPublic.value).toStrictEqual(viaSchema.value);
            expect(viaPublic.warnings).toStrictEqual(viaSchema.warnings);
          } else if (!viaPublic.ok && !viaSchema.ok) {
            expect(viaPublic.error.message).toBe(viaSchema.error.message);
          }
        }),
        { numRuns: 200 },
      );
    });
  },
);

const EXECUTION = { jobId: 'job-1', status: 'QUEUED', queuedAt: 1_700_000_000, versionNumber: 1 };

describe('fast path decisions', () => {
  it.each([
    ['a numeric string version', { ...EXECUTION, versionNumber: '1' }],
    ['a 13-digit timestamp', { ...EXECUTION, queuedAt: 1_700_000_000_000 }],
    ['an unknown status', { ...EXECUTION, status: 'PAUSED' }],
    ['a null optional field', { ...EXECUTION, startedAt: null }],
    ['a fractional executionNumber', { ...EXECUTION, executionNumber: 1.5 }],
    ['a negative retryAttempt', { ...EXECUTION, retryAttempt: -1 }],
    ['an unsafe integer version', { ...EXECUTION, versionNumber: 2 ** 53 }],
    ['an invalid job id', { ...EXECUTION, jobId: 'job 1' }],
    ['a non-string statusDetails value', { ...EXECUTION, statusDetails: { step: 5 } }],
    ['a numeric job document', { ...EXECUTION, jobDocument: 5 }],
    ['a numeric thingName', { ...EXECUTION, thingName: 7 }],
  ])('declines a notify-next execution with %s', (_label, execution) => {
    expect(fastDecodeNotifyNext(parsed({ timestamp: 1_700_000_001, execution }))).toBeUndefined();
  });

  it('declines a notify-next with a null execution', () => {
    expect(fastDecodeNotifyNext(parsed({ execution: null }))).toBeUndefined();
  });

  it('declines a statusDetails holding a __proto__ key', () => {
    const json = JSON.parse(
      `{"execution":{"jobId":"j","status":"QUEUED","statusDetails":{"__proto__":"x","a":"b"}}}`,
    ) as Json;
    expect(fastDecodeNotifyNext(json)).toBeUndefined();
  });

  it('declines a notify whose list key is an unknown status', () => {
    expect(fastDecodeNotify(parsed({ jobs: { PAUSED: [{ jobId: 'job-1' }] } }))).toBeUndefined();
  });

  it('declines a notify with a 13-digit timestamp', () => {
    expect(fastDecodeNotify(parsed({ timestamp: 1_700_000_000_000, jobs: {} }))).toBeUndefined();
  });

  it('declines a get/accepted reply with a numeric clientToken', () => {
    expect(fastDecodeGetPendingAccepted(parsed({ clientToken: 5, queuedJobs: [] }))).toBeUndefined();
  });

  it('accepts a timestamp of exactly 1e11 seconds, which the schema keeps unscaled', () => {
    expectAcceptedAsSchema(NOTIFY_NEXT, { timestamp: 1e11, execution: EXECUTION });
  });

  it('drops unknown fields at every level as the schema path does', () => {
    const json = {
      extra: 1,
      timestamp: 1_700_000_001,
      execution: { ...EXECUTION, thingName: 'rpi', surprise: { a: 1 }, statusDetails: { step: 'one' } },
    };
    expectAcceptedAsSchema(NOTIFY_NEXT, json);
    expect(fastDecodeNotifyNext(parsed(json))).toStrictEqual({
      timestamp: 1_700_000_001,
      execution: { ...EXECUTION, statusDetails: { step: 'one' } },
    });
  });

  it('drops unknown fields of notify list entries', () => {
    const json = { timestamp: 5, jobs: { QUEUED: [{ jobId: 'a', queuedAt: 4, color: 'red' }] } };
    expectAcceptedAsSchema(NOTIFY, json);
    expect(fastDecodeNotify(parsed(json))).toStrictEqual({
      timestamp: 5,
      executions: [{ jobId: 'a', status: 'QUEUED', queuedAt: 4 }],
    });
  });

  it('keeps a job document by reference, as the schema path does', () => {
    const json = parsed({ execution: { ...EXECUTION, jobDocument: { step: 'x' } } });
    const document = (json['execution'] as Json)['jobDocument'];
    expect(fastDecodeNotifyNext(json)?.execution?.jobDocument).toBe(document);
  });

  it('accepts a string job document', () => {
    expectAcceptedAsSchema(DESCRIBE, {
      clientToken: 't',
      execution: { ...EXECUTION, jobDocument: '{"a":1}' },
    });
  });

  it('reads an empty notify-next as no execution', () => {
    expectAcceptedAsSchema(NOTIFY_NEXT, {});
  });

  it('reads an empty notify as no executions', () => {
    expectAcceptedAsSchema(NOTIFY, {});
  });

  it('reads an empty get/accepted as empty lists', () => {
    expectAcceptedAsSchema(GET_PENDING, { timestamp: 7 });
  });
});

describe('fixtures', () => {
  it.each([
    ['notify-example.json', NOTIFY],
    ['notify-job1-queued.json', NOTIFY],
    ['notify-job3-added.json', NOTIFY],
    ['notify-empty.json', NOTIFY],
    ['notify-next-example.json', NOTIFY_NEXT],
    ['notify-next-empty.json', NOTIFY_NEXT],
    ['notify-next-job1-queued.json', NOTIFY_NEXT],
    ['notify-next-job3-in-progress.json', NOTIFY_NEXT],
  ])('takes the fast path for %s', (name, pair) => {
    const json = JSON.parse(new TextDecoder().decode(fixture(name))) as Json;
    expectAcceptedAsSchema(pair, json);
  });

  it.each([
    ['describe-accepted.json', DESCRIBE],
    ['get-pending-accepted.json', GET_PENDING],
  ])('leaves the millisecond timestamps of %s to the schema path', (name, pair) => {
    const json = JSON.parse(new TextDecoder().decode(fixture(name))) as Json;
    expect(pair.fast(json)).toBeUndefined();
    expect(pair.public(TOPIC, fixture(name))).toStrictEqual(pair.schema(TOPIC, fixture(name)));
  });
});

describe.each([
  ['notify', fastDecodeNotify, notifyPayload, (value: NotifyMessage) => value.executions],
  [
    'get/accepted',
    fastDecodeGetPendingAccepted,
    getPendingPayload,
    (value: GetPendingReply) => [...value.inProgress, ...value.queued],
  ],
] as const)('%s with known executions', (_name, fast, payload, executionsOf) => {
  /** One way a known execution can differ from the summary: each field the repeat check reads. */
  const CHANGES: readonly ((execution: JobExecution) => JobExecution)[] = [
    (e) => e,
    (e) => ({ ...e, status: e.status === 'QUEUED' ? 'IN_PROGRESS' : 'QUEUED' }),
    (e) => ({ ...e, queuedAt: (e.queuedAt ?? 0) + 1 }),
    (e) => ({ ...e, startedAt: (e.startedAt ?? 0) + 1 }),
    (e) => ({ ...e, lastUpdatedAt: (e.lastUpdatedAt ?? 0) + 1 }),
    (e) => ({ ...e, executionNumber: (e.executionNumber ?? 0) + 1 }),
    (e) => ({ ...e, versionNumber: (e.versionNumber ?? 0) + 1 }),
    (e) => ({ ...e, retryAttempt: (e.retryAttempt ?? 0) + 1 }),
    (e) => ({ ...e, statusDetails: { step: 'x' } }),
    (e) => ({ ...e, jobDocument: { operation: 'x' } }),
    (e) => ({ ...e, approximateSecondsBeforeTimedOut: 60 }),
  ];

  /** Known executions: what the payload decodes to, some of them changed so they do not repeat. */
  const knownFor = (json: Json, changes: readonly number[]): Map<string, JobExecution> => {
    const decoded = fast(parsed(json));
    const known = new Map<string, JobExecution>();
    if (decoded === undefined) return known;
    executionsOf(decoded as never).forEach((execution: JobExecution, i: number) => {
      const change = CHANGES[changes[i % Math.max(1, changes.length)] ?? 0] ?? ((e: JobExecution) => e);
      known.set(execution.jobId, change(execution));
    });
    return known;
  };

  it('decodes to exactly what it decodes to without them, reusing the repeated ones', () => {
    let reused = 0;
    fc.assert(
      fc.property(
        payload(true),
        fc.array(fc.integer({ min: 0, max: 10 }), { maxLength: 5 }),
        (json, changes) => {
          const known = knownFor(json, changes);
          const withKnown = fast(parsed(json), (jobId) => known.get(jobId));
          expect(withKnown).toStrictEqual(fast(parsed(json) as never));
          if (withKnown === undefined) return;
          for (const execution of executionsOf(withKnown as never)) {
            if (known.get(execution.jobId) === execution) reused++;
          }
        },
      ),
      { numRuns: 300 },
    );
    expect(reused).toBeGreaterThan(0);
  });
});

describe('notify with known executions', () => {
  it('asks for each entry with its position in the decoded list', () => {
    fc.assert(
      fc.property(notifyPayload(false), (json) => {
        const asked: [string, number][] = [];
        const decoded = fastDecodeNotify(parsed(json), (jobId, position) => {
          asked.push([jobId, position]);
          return undefined;
        });
        if (decoded === undefined) return;
        expect(asked).toEqual(decoded.executions.map((execution, i) => [execution.jobId, i]));
      }),
      { numRuns: 200 },
    );
  });
});
