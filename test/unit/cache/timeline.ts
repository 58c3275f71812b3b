import fc from 'fast-check';
import type { JobExecution } from '../../../src/protocol/types.js';

/**
 * Random timelines of one job's executions for the merge property tests, as the service would
 * produce them: within an execution the status only moves forward (QUEUED, IN_PROGRESS, at most
 * one terminal state at the end), versionNumber and lastUpdatedAt grow with every state, a
 * re-run gets a higher executionNumber, and the job document never changes. Each state is seen
 * through one or more observations carrying random subsets of the optional fields, the way
 * notify summaries, describe replies and HTTP listings each carry only some of them.
 *
 * What every observation must carry for the observations to be orderable at all (see
 * compareRecency): one shared ordering field per run (`orderedBy`), and the executionNumber
 * whenever the job has been re-run.
 */

/** One observation, with where it sits in the timeline (for the model). */
export interface Observation {
  readonly execution: JobExecution;
  readonly executionIndex: number;
  readonly stateIndex: number;
}

const OPTIONAL_FIELDS = [
  'queuedAt',
  'startedAt',
  'lastUpdatedAt',
  'executionNumber',
  'versionNumber',
  'retryAttempt',
  'statusDetails',
  'jobDocument',
  'approximateSecondsBeforeTimedOut',
] as const satisfies readonly (keyof JobExecution)[];

const TERMINAL = ['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'REJECTED', 'REMOVED', 'CANCELED'] as const;

const stateArb = fc.record({
  gapSeconds: fc.integer({ min: 1, max: 300 }),
  statusDetails: fc.option(
    fc.dictionary(fc.constantFrom('step', 'pct', 'note'), fc.string({ maxLength: 2 }), {
      maxKeys: 2,
      noNullPrototype: true,
    }),
    { nil: undefined },
  ),
  approximateSecondsBeforeTimedOut: fc.option(fc.integer({ min: 0, max: 600 }), { nil: undefined }),
  masks: fc.array(
    fc.array(fc.boolean(), { minLength: OPTIONAL_FIELDS.length, maxLength: OPTIONAL_FIELDS.length }),
    {
      minLength: 1,
      maxLength: 3,
    },
  ),
});

const executionArb = fc.record({
  queuedStates: fc.integer({ min: 0, max: 3 }),
  states: fc.array(stateArb, { minLength: 1, maxLength: 5 }),
  terminal: fc.option(fc.constantFrom(...TERMINAL), { nil: undefined }),
  retryAttempt: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
  executionNumberGap: fc.integer({ min: 1, max: 3 }),
});

export const jobTimelineArb = fc.record({
  jobId: fc.constantFrom('job-a', 'job-b', 'job-c', 'job-d'),
  jobDocument: fc.option(
    fc.constantFrom<JobExecution['jobDocument']>({ op: 'reboot' }, 'doc-as-string', { steps: [1, 2] }),
    {
      nil: undefined,
    },
  ),
  orderedBy: fc.constantFrom('lastUpdatedAt' as const, 'versionNumber' as const),
  executions: fc.array(executionArb, { minLength: 1, maxLength: 3 }),
});

export type JobTimeline = typeof jobTimelineArb extends fc.Arbitrary<infer T> ? T : never;

/** Every observation of the timeline, in timeline order. */
export function observationsOf(timeline: JobTimeline): Observation[] {
  const observations: Observation[] = [];
  const rerun = timeline.executions.length > 1;
  let clockSeconds = 1_700_000_000;
  let executionNumber = 0;
  timeline.executions.forEach((spec, executionIndex) => {
    executionNumber += spec.executionNumberGap;
    const queuedAt = clockSeconds;
    let startedAt: number | undefined;
    spec.states.forEach((state, stateIndex) => {
      clockSeconds += state.gapSeconds;
      const isLast = stateIndex === spec.states.length - 1;
      const status =
        isLast && spec.terminal !== undefined
          ? spec.terminal
          : stateIndex < spec.queuedStates
            ? 'QUEUED'
            : 'IN_PROGRESS';
      if (status !== 'QUEUED') startedAt ??= clockSeconds;
      const full: Record<string, unknown> = {
        jobId: timeline.jobId,
        status,
        queuedAt,
        startedAt,
        lastUpdatedAt: clockSeconds,
        executionNumber,
        versionNumber: stateIndex + 1,
        retryAttempt: spec.retryAttempt,
        statusDetails: state.statusDetails,
        jobDocument: timeline.jobDocument,
        approximateSecondsBeforeTimedOut: state.approximateSecondsBeforeTimedOut,
      };
      for (const mask of state.masks) {
        const observed: Record<string, unknown> = { jobId: timeline.jobId, status };
        OPTIONAL_FIELDS.forEach((field, i) => {
          const required = field === timeline.orderedBy || (rerun && field === 'executionNumber');
          if ((required || mask[i]) && full[field] !== undefined) observed[field] = full[field];
        });
        observations.push({ execution: observed as unknown as JobExecution, executionIndex, stateIndex });
      }
    });
  });
  return observations;
}

/**
 * What merging `observations` (in any order) must give: every execution field from the latest
 * observation of the latest execution that carries it, and the job document from any
 * observation that carries it (it is the same in all).
 */
export function expectedValue(observations: readonly Observation[]): JobExecution | undefined {
  const first = observations[0];
  if (first === undefined) return undefined;
  const latestExecution = Math.max(...observations.map((o) => o.executionIndex));
  const current = observations
    .filter((o) => o.executionIndex === latestExecution)
    .sort((a, b) => a.stateIndex - b.stateIndex);
  const value: Record<string, unknown> = { jobId: first.execution.jobId };
  for (const { execution } of current) {
    for (const [field, fieldValue] of Object.entries(execution)) {
      if (field !== 'jobDocument') value[field] = fieldValue;
    }
  }
  const withDocument = observations.find((o) => o.execution.jobDocument !== undefined);
  if (withDocument) value['jobDocument'] = withDocument.execution.jobDocument;
  return value as unknown as JobExecution;
}
