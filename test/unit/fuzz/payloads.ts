import fc from 'fast-check';

/**
 * Hostile and valid inbound messages for the fuzz tests: what a broken, malicious or merely
 * different publisher could put on a device's jobs topics. Each message says whether it is a
 * valid notification that must add an execution (`adds`), so a test can check that exactly
 * those were processed.
 */
export interface FuzzMessage {
  readonly kind: string;
  readonly topic: string;
  readonly payload: Uint8Array;
  /** The jobId a valid message adds; undefined for everything that must change nothing. */
  readonly adds?: string;
}

/** What the generators produce before the valid messages get their unique job ids. */
type Draft = Omit<FuzzMessage, 'adds'> & { readonly valid?: true };

const text = (value: unknown): Uint8Array =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));

const topics = (thingName: string) => ({
  next: `$aws/things/${thingName}/jobs/notify-next`,
  notify: `$aws/things/${thingName}/jobs/notify`,
});

/** JSON values that are not objects (objects would be "nothing pending" notifications). */
const nonObject = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
  fc.string({ maxLength: 40 }),
  fc.array(fc.oneof(fc.integer(), fc.string({ maxLength: 8 })), { maxLength: 6 }),
);

/** Values that no numeric, string or record field of the schemas accepts (nor coerces). */
const wrongScalar = fc.oneof(
  fc.boolean(),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 4 }), fc.integer(), { maxKeys: 2 }),
);
const wrongNumber = fc.oneof(wrongScalar, fc.constantFrom('abc', '12x', '', '--1'));
const wrongString = fc.oneof(wrongScalar, fc.integer());

/** A notify-next execution for job `bad` with exactly one field of the wrong type. */
const wrongTypeExecution = fc
  .tuple(
    fc.constantFrom(
      'jobId',
      'status',
      'queuedAt',
      'versionNumber',
      'executionNumber',
      'statusDetails',
      'jobDocument',
    ),
    wrongString,
    wrongNumber,
  )
  .map(([field, aString, aNumber]) => {
    const execution: Record<string, unknown> = {
      jobId: 'bad-type',
      status: 'QUEUED',
      queuedAt: 1_700_000_000,
      versionNumber: 1,
      executionNumber: 1,
    };
    if (field === 'jobId' || field === 'status') execution[field] = aString;
    else if (field === 'statusDetails') execution[field] = { step: 5 };
    else if (field === 'jobDocument') execution[field] = typeof aString === 'number' ? aString : true;
    else execution[field] = aNumber;
    return execution;
  });

const nested = (depth: number, leaf: string): string => '['.repeat(depth) + leaf + ']'.repeat(depth);

export function draftArbitrary(thingName: string, otherThing: string): fc.Arbitrary<Draft> {
  const own = topics(thingName);
  const other = topics(otherThing);
  const ownTopic = fc.constantFrom(own.next, own.notify);
  return fc.oneof(
    {
      weight: 5,
      arbitrary: fc.constant<Draft>({
        kind: 'valid',
        topic: own.next,
        payload: new Uint8Array(),
        valid: true,
      }),
    },
    {
      weight: 20,
      arbitrary: fc
        .tuple(ownTopic, fc.uint8Array({ maxLength: 1_024 }))
        .map(([topic, payload]): Draft => ({ kind: 'random bytes', topic, payload })),
    },
    {
      weight: 10,
      arbitrary: fc
        .tuple(ownTopic, nonObject)
        .map(([topic, value]): Draft => ({ kind: 'not an object', topic, payload: text(value) })),
    },
    {
      weight: 15,
      arbitrary: fc
        .tuple(wrongTypeExecution, fc.integer({ min: 0, max: 1_000 }))
        .map(([execution, timestamp]): Draft => ({
          kind: 'wrong type (notify-next)',
          topic: own.next,
          payload: text({ timestamp, execution }),
        })),
    },
    {
      weight: 10,
      arbitrary: fc
        .oneof(
          // `{}` is a valid `jobs` and `[]` a valid list (nothing pending), so neither is drawn here.
          fc
            .oneof(fc.boolean(), fc.integer(), fc.array(fc.integer(), { minLength: 1 }))
            .map((jobs) => ({ jobs })),
          fc
            .oneof(
              fc.boolean(),
              fc.integer(),
              fc.dictionary(fc.string(), fc.integer(), { minKeys: 1, maxKeys: 2 }),
            )
            .map((list) => ({ jobs: { QUEUED: list } })),
          wrongString.map((jobId) => ({ jobs: { QUEUED: [{ jobId, queuedAt: 1 }] } })),
          wrongNumber.map((queuedAt) => ({ jobs: { IN_PROGRESS: [{ jobId: 'bad-notify', queuedAt }] } })),
        )
        .map((value): Draft => ({ kind: 'wrong type (notify)', topic: own.notify, payload: text(value) })),
    },
    {
      weight: 8,
      arbitrary: fc
        .tuple(ownTopic, fc.integer({ min: 65, max: 5_000 }), fc.constantFrom('execution', 'jobs'))
        .map(([topic, depth, key]): Draft => ({
          kind: 'deep nesting',
          topic,
          payload: text(`{"${key}":${nested(depth, '1')}}`),
        })),
    },
    {
      weight: 4,
      arbitrary: fc.integer({ min: 65, max: 400 }).map((depth): Draft => ({
        kind: 'deep job document',
        topic: own.next,
        payload: text(
          `{"execution":{"jobId":"bad-deep","status":"QUEUED","jobDocument":{"a":${nested(depth, '{}')}}}}`,
        ),
      })),
    },
    {
      weight: 3,
      arbitrary: fc
        .tuple(fc.integer({ min: 129 * 1024, max: 400 * 1024 }), fc.constantFrom('a', 'é', '😀'))
        .map(([length, char]): Draft => ({
          kind: 'huge string (over the size limit)',
          topic: own.next,
          payload: text({
            execution: { jobId: 'bad-huge', status: 'QUEUED', statusDetails: { log: char.repeat(length) } },
          }),
        })),
    },
    {
      weight: 3,
      arbitrary: fc.integer({ min: 65, max: 100_000 }).map((length): Draft => ({
        kind: 'huge job id',
        topic: own.next,
        payload: text({ execution: { jobId: 'x'.repeat(length), status: 'QUEUED' } }),
      })),
    },
    {
      weight: 7,
      arbitrary: fc
        .tuple(fc.constantFrom(other.next, other.notify), fc.integer({ min: 0, max: 1_000_000 }))
        .map(([topic, n]): Draft => ({
          kind: "another thing's topic",
          topic,
          payload: text({ execution: { jobId: `other-${n}`, status: 'QUEUED', queuedAt: 1_700_000_000 } }),
        })),
    },
  );
}

/**
 * `count` messages, the same for a given seed. Valid ones are notify-next messages for
 * `ok-<n>`, each queued earlier than the one before, so each becomes the head of the queue.
 */
export function fuzzMessages(
  thingName: string,
  otherThing: string,
  count: number,
  seed: number,
): FuzzMessage[] {
  const drafts = fc.sample(draftArbitrary(thingName, otherThing), { numRuns: count, seed });
  let valid = 0;
  return drafts.map((draft): FuzzMessage => {
    if (!draft.valid) return { kind: draft.kind, topic: draft.topic, payload: draft.payload };
    const jobId = `ok-${valid}`;
    const execution = validExecution(jobId, valid++);
    return {
      kind: draft.kind,
      topic: draft.topic,
      payload: text({ timestamp: 1_700_000_000, execution }),
      adds: jobId,
    };
  });
}

/** The execution a valid message names, as the service would also describe it. */
export function validExecution(
  jobId: string,
  index: number,
): {
  jobId: string;
  status: 'QUEUED';
  queuedAt: number;
  lastUpdatedAt: number;
  versionNumber: number;
  executionNumber: number;
  jobDocument: { operation: string; index: number };
} {
  const queuedAt = 1_900_000_000 - index;
  return {
    jobId,
    status: 'QUEUED',
    queuedAt,
    lastUpdatedAt: queuedAt,
    versionNumber: 1,
    executionNumber: 1,
    jobDocument: { operation: 'fuzz', index },
  };
}
