import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ExecutionTable } from '../../../src/cache/execution-table.js';
import { isTerminalStatus, type ExecutionStatus, type JobExecution } from '../../../src/protocol/types.js';

const JOB_IDS = ['a', 'b', 'c', 'd', 'e'];
const STATUSES: ExecutionStatus[] = ['QUEUED', 'IN_PROGRESS', 'SUCCEEDED', 'CANCELED'];

const executionArb = fc.record({
  jobId: fc.constantFrom(...JOB_IDS),
  status: fc.constantFrom(...STATUSES),
  queuedAt: fc.integer({ min: 1, max: 5 }),
  versionNumber: fc.integer({ min: 1, max: 3 }),
});

/** The rule spelled out with a set: every cached, non-terminal execution the list does not name. */
function unlistedBySet(table: ExecutionTable, listed: readonly JobExecution[]): string[] {
  const ids = new Set(listed.map((execution) => execution.jobId));
  return table
    .list()
    .filter((execution) => !ids.has(execution.jobId) && !isTerminalStatus(execution.status))
    .map((execution) => execution.jobId)
    .sort();
}

describe('ExecutionTable.confirmListed', () => {
  it('finds exactly the pending executions a list leaves out, however often it is called', () => {
    fc.assert(
      fc.property(
        fc.array(executionArb, { maxLength: 8 }),
        fc.array(fc.array(executionArb, { maxLength: 6 }), { minLength: 1, maxLength: 4 }),
        fc.array(fc.constantFrom(...JOB_IDS), { maxLength: 3 }),
        (cached, lists, doubted) => {
          const table = new ExecutionTable();
          cached.forEach((execution, i) => table.apply(execution, i));
          for (const jobId of doubted) table.markUnconfirmed(jobId);
          for (const listed of lists) {
            for (const execution of listed) table.apply(execution, 100);
            const expected = unlistedBySet(table, listed);
            expect([...table.confirmListed(listed)].sort()).toEqual(expected);
            for (const { jobId } of listed) expect(table.isUnconfirmed(jobId)).toBe(false);
            for (const jobId of expected) expect(table.isUnconfirmed(jobId)).toBe(true);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
