import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ExecutionTable } from '../../../src/cache/execution-table.js';
import { isDeepEqual, mergeTracked, type TrackedExecution } from '../../../src/cache/merge.js';
import type { JobExecution } from '../../../src/protocol/types.js';
import {
  expectedValue,
  jobTimelineArb,
  observationsOf,
  type JobTimeline,
  type Observation,
} from './timeline.js';

const FIELDS: readonly (keyof JobExecution)[] = [
  'jobId',
  'status',
  'queuedAt',
  'startedAt',
  'lastUpdatedAt',
  'executionNumber',
  'versionNumber',
  'retryAttempt',
  'statusDetails',
  'jobDocument',
  'approximateSecondsBeforeTimedOut',
];

function mergeAll(observations: readonly Observation[]): TrackedExecution | undefined {
  let tracked: TrackedExecution | undefined;
  for (const { execution } of observations) tracked = mergeTracked(tracked, execution).tracked;
  return tracked;
}

/** A timeline together with several random orders of its observations. */
const timelineWithOrders = jobTimelineArb.chain((timeline) => {
  const count = observationsOf(timeline).length;
  const indices = Array.from({ length: count }, (_, i) => i);
  const order = fc.shuffledSubarray(indices, { minLength: count, maxLength: count });
  return fc.tuple(fc.constant(timeline), fc.array(order, { minLength: 1, maxLength: 6 }));
});

function inOrder(observations: readonly Observation[], order: readonly number[]): Observation[] {
  return order.map((i) => observations[i]!);
}

describe('mergeTracked over random timelines', () => {
  it('converges to the same value in every order of the updates', () => {
    fc.assert(
      fc.property(timelineWithOrders, ([timeline, orders]) => {
        const observations = observationsOf(timeline);
        const expected = expectedValue(observations);
        for (const order of orders) {
          expect(mergeAll(inOrder(observations, order))?.value).toEqual(expected);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('reports no change when any update is applied again after all of them', () => {
    fc.assert(
      fc.property(timelineWithOrders, ([timeline, orders]) => {
        const observations = observationsOf(timeline);
        const merged = mergeAll(inOrder(observations, orders[0]!));
        for (const { execution } of observations) {
          expect(mergeTracked(merged, execution).outcome).toEqual({ changed: false, value: merged?.value });
        }
      }),
      { numRuns: 200 },
    );
  });

  it('reports exactly one change, with exactly the differing fields, per real change in timeline order', () => {
    fc.assert(
      fc.property(jobTimelineArb, (timeline: JobTimeline) => {
        const observations = observationsOf(timeline);
        let tracked: TrackedExecution | undefined;
        observations.forEach((observation, k) => {
          const before = expectedValue(observations.slice(0, k));
          const after = expectedValue(observations.slice(0, k + 1));
          const merged = mergeTracked(tracked, observation.execution);
          const outcome = merged.outcome;
          const differing = FIELDS.filter((field) => !isDeepEqual(before?.[field], after?.[field]));
          if (differing.length === 0) {
            expect(outcome.changed).toBe(false);
          } else {
            expect(outcome).toEqual({
              changed: true,
              value: after,
              previous: before,
              changedFields: differing,
            });
          }
          tracked = merged.tracked;
        });
      }),
      { numRuns: 300 },
    );
  });
});

describe('ExecutionTable over random timelines of several jobs', () => {
  const jobsWithOrder = fc
    .uniqueArray(jobTimelineArb, { minLength: 1, maxLength: 3, selector: (job) => job.jobId })
    .chain((jobs) => {
      const all = jobs.flatMap((job) => observationsOf(job));
      const indices = Array.from({ length: all.length }, (_, i) => i);
      return fc.tuple(
        fc.constant(jobs),
        fc.shuffledSubarray(indices, { minLength: all.length, maxLength: all.length }),
      );
    });

  it('holds for every job the value its updates converge to, however they interleave', () => {
    fc.assert(
      fc.property(jobsWithOrder, ([jobs, order]) => {
        const all = jobs.flatMap((job) => observationsOf(job));
        const table = new ExecutionTable();
        inOrder(all, order).forEach(({ execution }, i) => table.apply(execution, i));
        expect(table.size).toBe(jobs.length);
        for (const job of jobs) {
          expect(table.get(job.jobId)).toEqual(expectedValue(observationsOf(job)));
        }
      }),
      { numRuns: 200 },
    );
  });
});
