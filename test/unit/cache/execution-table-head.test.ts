import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ExecutionTable } from '../../../src/cache/execution-table.js';
import type { ExecutionStatus, JobExecution } from '../../../src/protocol/types.js';

const JOB_IDS = ['a', 'b', 'c', 'd'];
const STATUSES: ExecutionStatus[] = ['QUEUED', 'IN_PROGRESS', 'SUCCEEDED', 'FAILED', 'CANCELED'];

type Operation =
  | { readonly kind: 'apply'; readonly execution: JobExecution }
  | { readonly kind: 'remove' | 'markUnconfirmed' | 'confirm'; readonly jobId: string };

const operationArb: fc.Arbitrary<Operation> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .record({
        jobId: fc.constantFrom(...JOB_IDS),
        status: fc.constantFrom(...STATUSES),
        queuedAt: fc.integer({ min: 1, max: 4 }),
        versionNumber: fc.integer({ min: 1, max: 6 }),
        executionNumber: fc.integer({ min: 1, max: 2 }),
      })
      .map((execution): Operation => ({ kind: 'apply', execution })),
  },
  fc
    .record({
      kind: fc.constantFrom('remove' as const, 'markUnconfirmed' as const, 'confirm' as const),
      jobId: fc.constantFrom(...JOB_IDS),
    })
    .map((operation): Operation => operation),
);

/** The head found from scratch: list() order, pending and not doubted. */
function headByScan(table: ExecutionTable): JobExecution | undefined {
  return table
    .list()
    .find(
      (execution) =>
        (execution.status === 'QUEUED' || execution.status === 'IN_PROGRESS') &&
        !table.isUnconfirmed(execution.jobId),
    );
}

describe('ExecutionTable.next', () => {
  it('always names the head a scan from scratch finds, however the table changed', () => {
    fc.assert(
      fc.property(fc.array(operationArb, { maxLength: 40 }), (operations) => {
        const table = new ExecutionTable();
        operations.forEach((operation, i) => {
          if (operation.kind === 'apply') table.apply(operation.execution, i);
          else table[operation.kind](operation.jobId);
          expect(table.next()).toBe(headByScan(table));
        });
      }),
      { numRuns: 500 },
    );
  });
});
