import type { JobExecution } from '../../../src/protocol/types.js';

/** A job execution with sensible defaults; `overrides` replace or add fields. */
export function anExecution(overrides: Partial<JobExecution> = {}): JobExecution {
  return {
    jobId: 'job-1',
    status: 'QUEUED',
    queuedAt: 1_700_000_000,
    lastUpdatedAt: 1_700_000_000,
    executionNumber: 1,
    versionNumber: 1,
    ...overrides,
  };
}

/** A copy of `execution` without the named fields (as a source that does not carry them). */
export function without(execution: JobExecution, ...fields: (keyof JobExecution)[]): JobExecution {
  const dropped = new Set<string>(fields);
  return Object.fromEntries(
    Object.entries(execution).filter(([field]) => !dropped.has(field)),
  ) as unknown as JobExecution;
}
