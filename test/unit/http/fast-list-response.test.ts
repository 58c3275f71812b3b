import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fastReadListPage } from '../../../src/http/fast-list-response.js';
import { parseListResponse, parseListResponseBySchema } from '../../../src/http/list-response.js';

/** A summary field as AWS sends it: absent, null, or a number of the right kind. */
const timestamp = fc.oneof(
  fc.double({ min: 0, max: 2e9, noNaN: true }),
  fc.integer({ min: 1_500_000_000, max: 1_900_000_000 }),
);
const count = fc.integer({ min: 0, max: 1_000 });

/** A ListJobExecutionsForThing page in the form AWS sends it (thingArn as moto adds it). */
const canonicalPage = fc.record(
  {
    executionSummaries: fc.array(
      fc.record(
        {
          jobId: fc.string({ minLength: 1, maxLength: 64 }),
          thingArn: fc.constant('arn:aws:iot:us-east-1:123456789012:thing/t'),
          jobExecutionSummary: fc.record(
            {
              status: fc.constantFrom('QUEUED', 'IN_PROGRESS', 'SUCCEEDED', 'PAUSED_FOR_LUNCH'),
              queuedAt: timestamp,
              startedAt: fc.option(timestamp),
              lastUpdatedAt: timestamp,
              executionNumber: count,
              retryAttempt: fc.option(count),
            },
            { requiredKeys: ['status'] },
          ),
        },
        { requiredKeys: ['jobId', 'jobExecutionSummary'] },
      ),
      { maxLength: 8 },
    ),
    nextToken: fc.option(fc.string({ maxLength: 16 })),
  },
  { requiredKeys: [] },
);

/** Anything a field could hold, JSON-producible or not (JSON.parse makes 1e400 Infinity). */
const anyField = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.string({ maxLength: 4 }),
  fc.double(),
  fc.integer(),
  fc.constantFrom(2 ** 53, -0, Number.POSITIVE_INFINITY, 1.5),
  fc.boolean(),
  fc.constant([]),
  fc.constant({}),
);

/** Mostly `valid`, sometimes anything: pages that are wrong in one or two places. */
const mostly = <T>(valid: fc.Arbitrary<T>): fc.Arbitrary<unknown> =>
  fc.oneof({ arbitrary: valid, weight: 6 }, { arbitrary: anyField, weight: 1 });

/** Pages with any field of any shape, to find where the fast reader and the schema disagree. */
const anyPage = fc.oneof(
  { arbitrary: anyField, weight: 1 },
  {
    arbitrary: fc.record(
      {
        executionSummaries: mostly(
          fc.array(
            mostly(
              fc.record(
                {
                  jobId: mostly(fc.string({ minLength: 1, maxLength: 8 })),
                  jobExecutionSummary: mostly(
                    fc.record(
                      {
                        status: mostly(fc.constantFrom('QUEUED', 'IN_PROGRESS')),
                        queuedAt: mostly(timestamp),
                        startedAt: mostly(timestamp),
                        lastUpdatedAt: mostly(timestamp),
                        executionNumber: mostly(count),
                        retryAttempt: mostly(count),
                      },
                      { requiredKeys: [] },
                    ),
                  ),
                },
                { requiredKeys: [] },
              ),
            ),
            { maxLength: 4 },
          ),
        ),
        nextToken: mostly(fc.string({ maxLength: 4 })),
      },
      { requiredKeys: [] },
    ),
    weight: 8,
  },
);

/** Round-trips through JSON text, so the reader sees what JSON.parse makes of a body. */
const parsed = (value: unknown): unknown => JSON.parse(JSON.stringify(value)) as unknown;

describe('fastReadListPage', () => {
  it('reads every page in the form AWS sends it', () => {
    fc.assert(
      fc.property(canonicalPage, (page) => {
        expect(fastReadListPage(parsed(page))).not.toBeUndefined();
      }),
    );
  });

  it('builds exactly the page the schema path builds, whenever it reads one', () => {
    fc.assert(
      fc.property(anyPage, (body) => {
        const fast = fastReadListPage(body);
        if (fast === undefined) return;
        expect(parseListResponseBySchema(body)).toStrictEqual({ ok: true, page: fast });
      }),
      { numRuns: 2_000 },
    );
  });

  it('declines every body the schema refuses', () => {
    fc.assert(
      fc.property(anyPage, (body) => {
        if (!parseListResponseBySchema(body).ok) expect(fastReadListPage(body)).toBeUndefined();
      }),
      { numRuns: 2_000 },
    );
  });

  it.each([
    ['an infinite timestamp', { queuedAt: Number.POSITIVE_INFINITY }],
    ['an executionNumber beyond the safe integers', { executionNumber: 2 ** 53 }],
    ['a fractional retryAttempt', { retryAttempt: 1.5 }],
    ['a timestamp as a string', { startedAt: '1700000000' }],
    ['an empty status', { status: '' }],
  ])('leaves %s to the schema', (_label, fields) => {
    const body = {
      executionSummaries: [{ jobId: 'j', jobExecutionSummary: { status: 'QUEUED', ...fields } }],
    };
    expect(fastReadListPage(body)).toBeUndefined();
  });
});

describe('parseListResponse', () => {
  it('gives what the schema path gives for any body', () => {
    fc.assert(
      fc.property(anyPage, (body) => {
        expect(parseListResponse(body)).toStrictEqual(parseListResponseBySchema(body));
      }),
      { numRuns: 2_000 },
    );
  });
});
