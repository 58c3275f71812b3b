import { describe, expect, it } from 'vitest';
import {
  compareRecency,
  isDeepEqual,
  mergeExecution,
  mergeTracked,
  sourceOf,
  trackedFrom,
} from '../../../src/cache/merge.js';
import type { JobExecution } from '../../../src/protocol/types.js';
import { anExecution, without } from './executions.js';

describe('compareRecency', () => {
  const cases: { name: string; newer: JobExecution; older: JobExecution }[] = [
    {
      name: 'a higher executionNumber wins over a higher versionNumber',
      newer: anExecution({ executionNumber: 2, versionNumber: 1, status: 'QUEUED' }),
      older: anExecution({ executionNumber: 1, versionNumber: 7, status: 'IN_PROGRESS' }),
    },
    {
      name: 'a higher executionNumber wins over a terminal status',
      newer: anExecution({ executionNumber: 2, status: 'QUEUED' }),
      older: anExecution({ executionNumber: 1, status: 'FAILED', versionNumber: 4 }),
    },
    {
      name: 'a terminal status wins over a non-terminal one with a higher versionNumber',
      newer: anExecution({ status: 'SUCCEEDED', versionNumber: 3, lastUpdatedAt: 10 }),
      older: anExecution({ status: 'IN_PROGRESS', versionNumber: 9, lastUpdatedAt: 20 }),
    },
    {
      name: 'IN_PROGRESS wins over QUEUED of the same execution',
      newer: anExecution({ status: 'IN_PROGRESS', versionNumber: 1 }),
      older: anExecution({ status: 'QUEUED', versionNumber: 2 }),
    },
    {
      name: 'a higher versionNumber wins over a later lastUpdatedAt-free value',
      newer: without(anExecution({ status: 'IN_PROGRESS', versionNumber: 3 }), 'lastUpdatedAt'),
      older: anExecution({ status: 'IN_PROGRESS', versionNumber: 2, lastUpdatedAt: 50 }),
    },
    {
      name: 'lastUpdatedAt decides when either lacks versionNumber',
      newer: without(anExecution({ status: 'IN_PROGRESS', lastUpdatedAt: 101.5 }), 'versionNumber'),
      older: anExecution({ status: 'IN_PROGRESS', versionNumber: 5, lastUpdatedAt: 100 }),
    },
    {
      name: 'lastUpdatedAt decides when versionNumbers are equal',
      newer: anExecution({ status: 'IN_PROGRESS', versionNumber: 2, lastUpdatedAt: 101 }),
      older: anExecution({ status: 'IN_PROGRESS', versionNumber: 2, lastUpdatedAt: 100 }),
    },
    {
      name: 'versionNumber decides when only one side carries an executionNumber',
      newer: without(anExecution({ versionNumber: 3 }), 'executionNumber'),
      older: anExecution({ executionNumber: 4, versionNumber: 2 }),
    },
  ];

  for (const { name, newer, older } of cases) {
    it(`returns 1 for the newer side: ${name}`, () => {
      expect(compareRecency(newer, older)).toBe(1);
    });
    it(`returns -1 for the older side: ${name}`, () => {
      expect(compareRecency(older, newer)).toBe(-1);
    });
  }

  it('returns 0 for two observations of the same state', () => {
    expect(compareRecency(anExecution(), anExecution({ statusDetails: { a: 'b' } }))).toBe(0);
  });

  it('returns 0 when nothing orders the two', () => {
    const a = without(anExecution({ status: 'IN_PROGRESS', versionNumber: 2 }), 'lastUpdatedAt');
    const b = without(anExecution({ status: 'IN_PROGRESS', lastUpdatedAt: 5 }), 'versionNumber');
    expect([compareRecency(a, b), compareRecency(b, a)]).toEqual([0, 0]);
  });

  it('returns 0 when versionNumber and lastUpdatedAt disagree (a value merged from several sources)', () => {
    const merged = anExecution({ status: 'IN_PROGRESS', versionNumber: 3, lastUpdatedAt: 50 });
    const incoming = anExecution({ status: 'IN_PROGRESS', versionNumber: 4, lastUpdatedAt: 40 });
    expect([compareRecency(incoming, merged), compareRecency(merged, incoming)]).toEqual([0, 0]);
  });

  it('does not order an unknown status against a known one', () => {
    const future = anExecution({ status: 'PAUSED', versionNumber: 1 });
    const queued = anExecution({ status: 'QUEUED', versionNumber: 2 });
    expect(compareRecency(queued, future)).toBe(1);
  });

  it('orders two terminal states by versionNumber', () => {
    const first = anExecution({ status: 'TIMED_OUT', versionNumber: 4 });
    const second = anExecution({ status: 'SUCCEEDED', versionNumber: 5 });
    expect(compareRecency(second, first)).toBe(1);
  });
});

describe('mergeExecution', () => {
  it('adds an execution seen for the first time, listing its present fields', () => {
    const incoming = anExecution({ statusDetails: { step: '1' } });
    const outcome = mergeExecution(undefined, incoming);
    expect(outcome).toEqual({
      changed: true,
      value: incoming,
      previous: undefined,
      changedFields: [
        'jobId',
        'status',
        'queuedAt',
        'lastUpdatedAt',
        'executionNumber',
        'versionNumber',
        'statusDetails',
      ],
    });
  });

  it('drops fields explicitly set to undefined', () => {
    const incoming = { ...anExecution(), startedAt: undefined } as unknown as JobExecution;
    const outcome = mergeExecution(undefined, incoming);
    expect(Object.keys(outcome.value)).not.toContain('startedAt');
  });

  it('overwrites the fields a newer state carries', () => {
    const previous = anExecution({ statusDetails: { step: '1' } });
    const incoming = anExecution({
      status: 'IN_PROGRESS',
      versionNumber: 2,
      lastUpdatedAt: 1_700_000_010,
      startedAt: 1_700_000_010,
      statusDetails: { step: '2' },
    });
    const outcome = mergeExecution(previous, incoming);
    expect(outcome).toEqual({
      changed: true,
      value: incoming,
      previous,
      changedFields: ['status', 'startedAt', 'lastUpdatedAt', 'versionNumber', 'statusDetails'],
    });
  });

  it('keeps the fields a newer state lacks (a notify summary has no jobDocument or statusDetails)', () => {
    const previous = anExecution({ jobDocument: { op: 'reboot' }, statusDetails: { step: '1' } });
    const summary = without(anExecution({ status: 'IN_PROGRESS', versionNumber: 2 }), 'queuedAt');
    const outcome = mergeExecution(previous, summary);
    expect(outcome.value).toEqual({ ...previous, status: 'IN_PROGRESS', versionNumber: 2 });
  });

  it('keeps versionNumber when a newer HTTP summary lacks it', () => {
    const previous = anExecution({ status: 'QUEUED', versionNumber: 1, lastUpdatedAt: 100 });
    const http = without(anExecution({ status: 'IN_PROGRESS', lastUpdatedAt: 110.25 }), 'versionNumber');
    const outcome = mergeExecution(previous, http);
    expect(outcome.value).toMatchObject({ status: 'IN_PROGRESS', versionNumber: 1, lastUpdatedAt: 110.25 });
  });

  it('never lets an older state overwrite a newer one', () => {
    const previous = anExecution({ status: 'IN_PROGRESS', versionNumber: 3, statusDetails: { step: '3' } });
    const stale = anExecution({ status: 'IN_PROGRESS', versionNumber: 2, statusDetails: { step: '2' } });
    const outcome = mergeExecution(previous, stale);
    expect(outcome).toEqual({ changed: false, value: previous });
  });

  it('returns the previous object itself when nothing changes', () => {
    const previous = anExecution();
    expect(mergeExecution(previous, anExecution()).value).toBe(previous);
  });

  it('fills fields the current value lacks from an older state', () => {
    const previous = without(anExecution({ status: 'IN_PROGRESS', lastUpdatedAt: 200 }), 'versionNumber');
    const older = anExecution({ versionNumber: 1, lastUpdatedAt: 100, jobDocument: { op: 'x' } });
    const outcome = mergeExecution(previous, older);
    expect(outcome).toEqual({
      changed: true,
      value: { ...previous, versionNumber: 1, jobDocument: { op: 'x' } },
      previous,
      changedFields: ['versionNumber', 'jobDocument'],
    });
  });

  it('overwrites with the fields of another observation of the same state', () => {
    const previous = anExecution({ statusDetails: { step: 'a' } });
    const same = anExecution({ statusDetails: { step: 'b' }, jobDocument: 'doc' });
    const outcome = mergeExecution(previous, same);
    expect(outcome.value).toEqual({ ...previous, statusDetails: { step: 'b' }, jobDocument: 'doc' });
  });

  it('only fills fields from an observation nothing orders against the current value', () => {
    const previous = without(
      anExecution({ status: 'IN_PROGRESS', statusDetails: { step: 'a' } }),
      'lastUpdatedAt',
    );
    const unordered = without(
      anExecution({ status: 'IN_PROGRESS', statusDetails: { step: 'b' }, startedAt: 7 }),
      'versionNumber',
    );
    const outcome = mergeExecution(previous, unordered);
    expect(outcome.value).toEqual({ ...previous, lastUpdatedAt: unordered.lastUpdatedAt, startedAt: 7 });
  });

  it('never reopens a terminal execution from stale data', () => {
    const previous = anExecution({ status: 'SUCCEEDED', versionNumber: 3 });
    const stale = anExecution({ status: 'IN_PROGRESS', versionNumber: 4, lastUpdatedAt: 1_800_000_000 });
    expect(mergeExecution(previous, stale).changed).toBe(false);
  });

  it('moves a non-terminal execution to terminal even without ordering fields', () => {
    const previous = anExecution({ status: 'IN_PROGRESS', versionNumber: 3 });
    const done = { jobId: 'job-1', status: 'CANCELED' };
    expect(mergeExecution(previous, done).value).toMatchObject({ status: 'CANCELED', versionNumber: 3 });
  });

  it('never moves an IN_PROGRESS execution back to QUEUED', () => {
    const previous = without(anExecution({ status: 'IN_PROGRESS', versionNumber: 2 }), 'lastUpdatedAt');
    const stale = without(anExecution({ status: 'QUEUED', lastUpdatedAt: 1_800_000_000 }), 'versionNumber');
    expect(mergeExecution(previous, stale).value.status).toBe('IN_PROGRESS');
  });

  it('replaces the execution fields on a re-run but keeps the job document', () => {
    const previous = anExecution({
      status: 'FAILED',
      executionNumber: 1,
      versionNumber: 5,
      startedAt: 1_700_000_005,
      retryAttempt: 0,
      statusDetails: { reason: 'disk full' },
      jobDocument: { op: 'update' },
    });
    const rerun = without(anExecution({ executionNumber: 2, versionNumber: 1, retryAttempt: 1 }), 'queuedAt');
    const outcome = mergeExecution(previous, rerun);
    expect(outcome.value).toEqual({ ...rerun, jobDocument: { op: 'update' } });
  });

  it('takes only the job document from an older execution', () => {
    const previous = without(anExecution({ executionNumber: 2, versionNumber: 1 }), 'queuedAt');
    const oldRun = anExecution({
      status: 'FAILED',
      executionNumber: 1,
      startedAt: 5,
      queuedAt: 1,
      statusDetails: { reason: 'x' },
      jobDocument: { op: 'update' },
    });
    const outcome = mergeExecution(previous, oldRun);
    expect(outcome).toEqual({
      changed: true,
      value: { ...previous, jobDocument: { op: 'update' } },
      previous,
      changedFields: ['jobDocument'],
    });
  });

  it('reports no change for a deep-equal statusDetails and jobDocument in new objects', () => {
    const previous = anExecution({ statusDetails: { a: '1', b: '2' }, jobDocument: { steps: [{ n: 1 }] } });
    const again = anExecution({
      versionNumber: 1,
      statusDetails: { b: '2', a: '1' },
      jobDocument: { steps: [{ n: 1 }] },
    });
    expect(mergeExecution(previous, again).changed).toBe(false);
  });

  it('lists exactly the fields that differ', () => {
    const previous = anExecution({ status: 'IN_PROGRESS', statusDetails: { pct: '10' } });
    const incoming = anExecution({ status: 'IN_PROGRESS', versionNumber: 2, statusDetails: { pct: '20' } });
    const outcome = mergeExecution(previous, incoming);
    expect(outcome.changed && outcome.changedFields).toEqual(['versionNumber', 'statusDetails']);
  });

  it('throws a TypeError when the jobIds differ', () => {
    expect(() => mergeExecution(anExecution(), anExecution({ jobId: 'job-2' }))).toThrow(TypeError);
  });

  it('does not mutate its inputs', () => {
    const previous = Object.freeze(anExecution({ statusDetails: Object.freeze({ a: '1' }) }));
    const incoming = Object.freeze(anExecution({ status: 'IN_PROGRESS', versionNumber: 2 }));
    expect(() => mergeExecution(previous, incoming)).not.toThrow();
    expect(previous.status).toBe('QUEUED');
  });
});

describe('mergeTracked', () => {
  const v1 = anExecution({ status: 'IN_PROGRESS', versionNumber: 1, statusDetails: { step: '1' } });
  const v2 = anExecution({ status: 'IN_PROGRESS', versionNumber: 2, statusDetails: { step: '2' } });
  const v3Summary = anExecution({ status: 'IN_PROGRESS', versionNumber: 3 });

  it('lets a late observation improve a field that came from an older one', () => {
    const afterSummary = mergeTracked(mergeTracked(undefined, v1).tracked, v3Summary).tracked;
    const outcome = mergeTracked(afterSummary, v2).outcome;
    expect(outcome).toEqual({
      changed: true,
      value: { ...v3Summary, statusDetails: { step: '2' } },
      previous: { ...v3Summary, statusDetails: { step: '1' } },
      changedFields: ['statusDetails'],
    });
  });

  it('keeps a field whose source is newer than the late observation', () => {
    const v3 = { ...v3Summary, statusDetails: { step: '3' } };
    const current = mergeTracked(mergeTracked(undefined, v1).tracked, v3).tracked;
    expect(mergeTracked(current, v2).outcome.changed).toBe(false);
  });

  it('advances a field source when a newer state repeats the same value, without a change', () => {
    const afterSummary = mergeTracked(mergeTracked(undefined, v1).tracked, v3Summary).tracked;
    const repeated = mergeTracked(afterSummary, { ...v3Summary, statusDetails: { step: '1' } });
    expect(repeated.outcome.changed).toBe(false);
    expect(mergeTracked(repeated.tracked, v2).outcome.changed).toBe(false);
  });

  it('treats every field of an untracked value as coming from that value', () => {
    const current = trackedFrom({ ...v3Summary, statusDetails: { step: '1' } });
    expect(mergeTracked(current, v2).outcome.changed).toBe(false);
  });

  it('records the observation each field came from', () => {
    const { tracked } = mergeTracked(mergeTracked(undefined, v1).tracked, v3Summary);
    expect(sourceOf(tracked, 'statusDetails')).toEqual({
      status: 'IN_PROGRESS',
      executionNumber: 1,
      versionNumber: 1,
      lastUpdatedAt: v1.lastUpdatedAt,
    });
    expect(sourceOf(tracked, 'versionNumber')).toMatchObject({ versionNumber: 3 });
  });
});

describe('isDeepEqual', () => {
  it.each([
    [{ a: 1, b: [1, 2] }, { b: [1, 2], a: 1 }, true],
    ['doc', 'doc', true],
    [{ a: 1 }, { a: 1, b: 2 }, false],
    [{ a: [1, 2] }, { a: [2, 1] }, false],
    [[1], { 0: 1 }, false],
    ['{}', {}, false],
    [{ a: null }, { a: {} }, false],
  ])('compares %j and %j as %s', (a, b, expected) => {
    expect(isDeepEqual(a, b)).toBe(expected);
  });
});
