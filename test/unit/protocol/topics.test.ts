import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.js';
import {
  jobNotifyNamespaceTopic,
  notificationFilters,
  notifyNextTopic,
  notifyTopic,
  parseJobsTopic,
  type ParsedJobsTopic,
  REQUEST_OPERATIONS,
  replyFilter,
  replyTopic,
  requestTopic,
  type JobsScope,
} from '../../../src/protocol/topics.js';

const THING = 'rpi-kitchen-01';
const NS = 'aws-gg-deployment';
const plain: JobsScope = { thingName: THING };
const namespaced = { thingName: THING, namespaceId: NS };

interface RoundTrip {
  readonly name: string;
  readonly build: () => string;
  readonly topic: string;
  readonly parsed: ParsedJobsTopic;
}

const base = `$aws/things/${THING}/jobs`;

const roundTrips: RoundTrip[] = [
  {
    name: 'notify',
    build: () => notifyTopic(plain),
    topic: `${base}/notify`,
    parsed: { kind: 'notify', thingName: THING },
  },
  {
    name: 'notify in a namespace',
    build: () => notifyTopic(namespaced),
    topic: `${base}/notify-namespace-${NS}`,
    parsed: { kind: 'notify', thingName: THING, namespaceId: NS },
  },
  {
    name: 'notify-next',
    build: () => notifyNextTopic(plain),
    topic: `${base}/notify-next`,
    parsed: { kind: 'notify-next', thingName: THING },
  },
  {
    name: 'notify-next in a namespace',
    build: () => notifyNextTopic(namespaced),
    topic: `${base}/notify-next-namespace-${NS}`,
    parsed: { kind: 'notify-next', thingName: THING, namespaceId: NS },
  },
  {
    name: 'per-job namespaced notify (docs form, trailing slash)',
    build: () => jobNotifyNamespaceTopic(namespaced, 'job-1'),
    topic: `${base}/job-1/notify-namespace-${NS}/`,
    parsed: { kind: 'job-notify', thingName: THING, jobId: 'job-1', namespaceId: NS },
  },
  {
    name: 'get pending request',
    build: () => requestTopic(plain, 'get'),
    topic: `${base}/get`,
    parsed: { kind: 'request', thingName: THING, operation: 'get' },
  },
  {
    name: 'get pending request in a namespace (no namespaced form exists)',
    build: () => requestTopic(namespaced, 'get'),
    topic: `${base}/get`,
    parsed: { kind: 'request', thingName: THING, operation: 'get' },
  },
  {
    name: 'start-next request',
    build: () => requestTopic(plain, 'start-next'),
    topic: `${base}/start-next`,
    parsed: { kind: 'request', thingName: THING, operation: 'start-next' },
  },
  {
    name: 'start-next request in a namespace (no namespaced form exists)',
    build: () => requestTopic(namespaced, 'start-next'),
    topic: `${base}/start-next`,
    parsed: { kind: 'request', thingName: THING, operation: 'start-next' },
  },
  {
    name: 'describe request',
    build: () => requestTopic(plain, 'describe', 'job-1'),
    topic: `${base}/job-1/get`,
    parsed: { kind: 'request', thingName: THING, operation: 'describe', jobId: 'job-1' },
  },
  {
    name: 'describe $next request',
    build: () => requestTopic(plain, 'describe', '$next'),
    topic: `${base}/$next/get`,
    parsed: { kind: 'request', thingName: THING, operation: 'describe', jobId: '$next' },
  },
  {
    name: 'describe request in a namespace',
    build: () => requestTopic(namespaced, 'describe', 'job-1'),
    topic: `${base}/job-1/namespace-${NS}/get`,
    parsed: { kind: 'request', thingName: THING, operation: 'describe', jobId: 'job-1', namespaceId: NS },
  },
  {
    name: 'describe $next request in a namespace',
    build: () => requestTopic(namespaced, 'describe', '$next'),
    topic: `${base}/$next/namespace-${NS}/get`,
    parsed: { kind: 'request', thingName: THING, operation: 'describe', jobId: '$next', namespaceId: NS },
  },
  {
    name: 'update request',
    build: () => requestTopic(plain, 'update', 'job-1'),
    topic: `${base}/job-1/update`,
    parsed: { kind: 'request', thingName: THING, operation: 'update', jobId: 'job-1' },
  },
  {
    name: 'update request in a namespace',
    build: () => requestTopic(namespaced, 'update', 'job-1'),
    topic: `${base}/job-1/namespace-${NS}/update`,
    parsed: { kind: 'request', thingName: THING, operation: 'update', jobId: 'job-1', namespaceId: NS },
  },
];

// Every reply topic: each operation × outcome × scope, with the request's own parts.
for (const outcome of ['accepted', 'rejected'] as const) {
  for (const requestCase of roundTrips.filter((c) => c.parsed.kind === 'request')) {
    const request = requestCase.parsed as Extract<ParsedJobsTopic, { kind: 'request' }>;
    const scope = request.namespaceId === undefined ? plain : namespaced;
    // get/start-next have one topic for both scopes; the namespaced build is covered by its request row.
    roundTrips.push({
      name: `${requestCase.name} → ${outcome}`,
      build: () => replyTopic(scope, request.operation, outcome, request.jobId),
      topic: `${requestCase.topic}/${outcome}`,
      parsed: { ...request, kind: 'reply', outcome },
    });
  }
}

describe('topic builders and parseJobsTopic', () => {
  it.each(roundTrips)('builds the $name topic', ({ build, topic }) => {
    expect(build()).toBe(topic);
  });

  it.each(roundTrips)('parses the $name topic back into its parts', ({ topic, parsed }) => {
    expect(parseJobsTopic(topic)).toStrictEqual(parsed);
  });

  it('covers every request operation in both outcomes', () => {
    const replies = roundTrips.filter((c) => c.parsed.kind === 'reply').map((c) => c.parsed);
    for (const operation of REQUEST_OPERATIONS) {
      for (const outcome of ['accepted', 'rejected']) {
        expect(replies).toContainEqual(expect.objectContaining({ operation, outcome }));
      }
    }
  });
});

describe('tricky job ids that look like topic words', () => {
  const trickyIds = [
    'notify',
    'notify-next',
    'get',
    'start-next',
    'update',
    'accepted',
    'rejected',
    'namespace-x',
    'notify-namespace-x',
    'jobs',
  ];
  const cases = trickyIds.flatMap((jobId) =>
    [plain, namespaced].flatMap((scope) =>
      (['describe', 'update'] as const).flatMap((operation) => [
        { jobId, scope, operation, outcome: undefined },
        { jobId, scope, operation, outcome: 'accepted' as const },
        { jobId, scope, operation, outcome: 'rejected' as const },
      ]),
    ),
  );

  it.each(cases)(
    'round-trips job id "$jobId" for $operation ($outcome) in $scope.namespaceId',
    ({ jobId, scope, operation, outcome }) => {
      const topic =
        outcome === undefined
          ? requestTopic(scope, operation, jobId)
          : replyTopic(scope, operation, outcome, jobId);
      const parts = {
        thingName: THING,
        operation,
        jobId,
        ...(scope.namespaceId === undefined ? {} : { namespaceId: scope.namespaceId }),
      };
      expect(parseJobsTopic(topic)).toStrictEqual(
        outcome === undefined ? { kind: 'request', ...parts } : { kind: 'reply', ...parts, outcome },
      );
    },
  );

  it.each(trickyIds)('round-trips job id "%s" in the per-job namespaced notify topic', (jobId) => {
    expect(parseJobsTopic(jobNotifyNamespaceTopic(namespaced, jobId))).toStrictEqual({
      kind: 'job-notify',
      thingName: THING,
      jobId,
      namespaceId: NS,
    });
  });
});

describe('name boundaries', () => {
  it('accepts a 128-character thing name with ":", "_" and "-"', () => {
    const thingName = `a:b_c-${'x'.repeat(122)}`;
    expect(thingName).toHaveLength(128);
    expect(parseJobsTopic(notifyTopic({ thingName }))).toStrictEqual({ kind: 'notify', thingName });
  });

  it('accepts a 64-character job id', () => {
    const jobId = 'j'.repeat(64);
    expect(parseJobsTopic(requestTopic(plain, 'update', jobId))).toMatchObject({ jobId });
  });
});

function configErrorOf(action: () => unknown): ConfigError {
  try {
    action();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError, nothing was thrown');
}

describe('builders reject bad names with ConfigError', () => {
  const badThingNames = [
    '',
    'a/b',
    'a+b',
    'a#',
    '+',
    '#',
    'x'.repeat(129),
    'has space',
    'tab\there',
    'naïve',
    '$aws',
  ];
  const builders: { name: string; build: (scope: JobsScope) => unknown }[] = [
    { name: 'notifyTopic', build: (scope) => notifyTopic(scope) },
    { name: 'notifyNextTopic', build: (scope) => notifyNextTopic(scope) },
    {
      name: 'jobNotifyNamespaceTopic',
      build: (scope) => jobNotifyNamespaceTopic({ ...scope, namespaceId: NS }, 'job-1'),
    },
    ...REQUEST_OPERATIONS.map((operation) => ({
      name: `requestTopic(${operation})`,
      build: (scope: JobsScope) => requestTopic(scope, operation, 'job-1'),
    })),
    ...REQUEST_OPERATIONS.map((operation) => ({
      name: `replyTopic(${operation})`,
      build: (scope: JobsScope) => replyTopic(scope, operation, 'accepted', 'job-1'),
    })),
    ...REQUEST_OPERATIONS.map((operation) => ({
      name: `replyFilter(${operation})`,
      build: (scope: JobsScope) => replyFilter(scope, operation, 'job-1'),
    })),
    { name: 'notificationFilters', build: (scope) => notificationFilters(scope) },
  ];
  const thingCases = builders.flatMap((builder) =>
    badThingNames.map((thingName) => ({ ...builder, thingName })),
  );

  it.each(thingCases)('$name rejects thing name "$thingName"', ({ build, thingName }) => {
    const error = configErrorOf(() => build({ thingName }));
    expect(error.code).toBe('ERR_CONFIG');
    expect(error.issues.map((issue) => issue.path)).toStrictEqual(['thingName']);
  });

  const badNamespaces = ['', 'a/b', 'a:b', 'a b', '+', '#', 'ns/+'];
  const namespaceCases = builders.flatMap((builder) =>
    badNamespaces.map((namespaceId) => ({ ...builder, namespaceId })),
  );

  it.each(namespaceCases.filter((c) => c.name !== 'jobNotifyNamespaceTopic'))(
    '$name rejects namespace id "$namespaceId"',
    ({ build, namespaceId }) => {
      const error = configErrorOf(() => build({ thingName: THING, namespaceId }));
      expect(error.issues.map((issue) => issue.path)).toStrictEqual(['namespaceId']);
    },
  );

  it.each(badNamespaces)('jobNotifyNamespaceTopic rejects namespace id "%s"', (namespaceId) => {
    const error = configErrorOf(() => jobNotifyNamespaceTopic({ thingName: THING, namespaceId }, 'job-1'));
    expect(error.issues.map((issue) => issue.path)).toStrictEqual(['namespaceId']);
  });

  const badJobIds = ['', 'a:b', 'j'.repeat(65), 'a/b', '+', '#', 'has space', '$next1'];
  const jobCases = badJobIds.flatMap((jobId) => [
    { name: 'requestTopic(describe)', build: () => requestTopic(plain, 'describe', jobId), jobId },
    { name: 'requestTopic(update)', build: () => requestTopic(plain, 'update', jobId), jobId },
    { name: 'replyTopic(update)', build: () => replyTopic(namespaced, 'update', 'rejected', jobId), jobId },
    { name: 'replyFilter(describe)', build: () => replyFilter(plain, 'describe', jobId), jobId },
    { name: 'jobNotifyNamespaceTopic', build: () => jobNotifyNamespaceTopic(namespaced, jobId), jobId },
  ]);

  it.each(jobCases)('$name rejects job id "$jobId"', ({ build }) => {
    const error = configErrorOf(build);
    expect(error.issues.map((issue) => issue.path)).toStrictEqual(['jobId']);
  });

  it.each([
    ['update', () => requestTopic(plain, 'update', '$next')],
    ['jobNotifyNamespaceTopic', () => jobNotifyNamespaceTopic(namespaced, '$next')],
  ])('%s rejects the $next pseudo job id', (_name, build) => {
    expect(configErrorOf(build).issues.map((issue) => issue.path)).toStrictEqual(['jobId']);
  });

  it.each(['describe', 'update'] as const)('requestTopic(%s) requires a job id', (operation) => {
    const error = configErrorOf(() => requestTopic(plain, operation));
    expect(error.issues).toStrictEqual([{ path: 'jobId', message: `is required for ${operation}` }]);
  });
});

describe('filters', () => {
  it('subscribes to notify and notify-next without a namespace', () => {
    expect(notificationFilters(plain)).toStrictEqual([`${base}/notify`, `${base}/notify-next`]);
  });

  it('adds the namespaced list, next and per-job forms with a namespace', () => {
    expect(notificationFilters(namespaced)).toStrictEqual([
      `${base}/notify`,
      `${base}/notify-next`,
      `${base}/notify-namespace-${NS}`,
      `${base}/notify-next-namespace-${NS}`,
      `${base}/+/notify-namespace-${NS}/`,
    ]);
  });

  it.each([
    ['get', undefined, `${base}/get/+`],
    ['start-next', undefined, `${base}/start-next/+`],
    ['describe', '$next', `${base}/$next/get/+`],
    ['update', 'job-1', `${base}/job-1/update/+`],
  ] as const)('builds the reply filter of %s', (operation, jobId, filter) => {
    expect(replyFilter(plain, operation, jobId)).toBe(filter);
  });
});

describe('parseJobsTopic rejects everything else', () => {
  const notJobsTopics = [
    '',
    '$aws',
    '$aws/things/',
    `$aws/things/${THING}`,
    `$aws/things/${THING}/jobs`,
    `$aws/things/${THING}/jobs/`,
    // garbage in the thing position
    '$aws/things//jobs/notify',
    '$aws/things/other thing/jobs/notify',
    '$aws/things/a#b/jobs/notify',
    `$aws/things/${'x'.repeat(129)}/jobs/notify`,
    // wrong prefixes
    `aws/things/${THING}/jobs/notify`,
    `/$aws/things/${THING}/jobs/notify`,
    `$AWS/things/${THING}/jobs/notify`,
    `$aws/thing/${THING}/jobs/notify`,
    `$aws/things/${THING}/job/notify`,
    `$aws/things/${THING}/shadow/update`,
    `$aws/things/${THING}/shadow/name/jobs/notify`,
    // extra or missing segments
    `${base}/notify/`,
    `${base}/notify/extra`,
    `${base}/notify-next/accepted`,
    `${base}/get/accepted/extra`,
    `${base}/job-1/update/accepted/extra`,
    `${base}/job-1/namespace-${NS}/update/accepted/extra`,
    `${base}/job-1/notify-namespace-${NS}`,
    `${base}/job-1/notify-namespace-${NS}//`,
    `${base}/job-1`,
    `${base}//get`,
    // wildcards
    `$aws/things/+/jobs/notify`,
    `$aws/things/#`,
    `${base}/#`,
    `${base}/+`,
    `${base}/+/get`,
    `${base}/+/update/accepted`,
    `${base}/+/notify-namespace-${NS}/`,
    `${base}/get/+`,
    `${base}/job-1/update/+`,
    `${base}/notify-namespace-+`,
    // wrong words
    `${base}/get/maybe`,
    `${base}/start-next/ok`,
    `${base}/job-1/delete`,
    `${base}/job-1/get/accepted2`,
    `${base}/notify-namespace-`,
    `${base}/notify-next-namespace-`,
    `${base}/notify-namespace-a:b`,
    `${base}/job-1/namespace-/get`,
    `${base}/job-1/namespace-${NS}/start-next`,
    // ids the builders refuse
    `${base}/$next/update`,
    `${base}/$next/update/accepted`,
    `${base}/$next/notify-namespace-${NS}/`,
    `${base}/a:b/get`,
    `${base}/${'j'.repeat(65)}/update`,
  ];

  it.each(notJobsTopics)('returns undefined for "%s"', (topic) => {
    expect(parseJobsTopic(topic)).toBeUndefined();
  });

  it('reports another thing by name so the caller can ignore it', () => {
    expect(parseJobsTopic('$aws/things/someone-else/jobs/notify')).toStrictEqual({
      kind: 'notify',
      thingName: 'someone-else',
    });
  });
});
