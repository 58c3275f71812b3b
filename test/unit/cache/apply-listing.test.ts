import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ExecutionTable } from '../../../src/cache/execution-table.js';
import type { MergeOutcome } from '../../../src/cache/merge.js';
import { isTerminalStatus, type ExecutionStatus, type JobExecution } from '../../../src/protocol/types.js';

const JOB_IDS = ['a', 'b', 'c', 'd', 'e'];
const STATUSES: ExecutionStatus[] = ['QUEUED', 'IN_PROGRESS', 'SUCCEEDED', 'CANCELED'];

const executionArb = fc.record({
  jobId: fc.constantFrom(...JOB_IDS),
  status: fc.constantFrom(...STATUSES),
  queuedAt: fc.integer({ min: 1, max: 5 }),
  versionNumber: fc.integer({ min: 1, max: 3 }),
});

/** A listed entry as a decoder hands it over: a fresh observation, or the held value itself. */
const listedArb = fc.oneof(
  { weight: 2, arbitrary: executionArb.map((execution) => ({ fresh: execution })) },
  fc.constantFrom(...JOB_IDS).map((heldId) => ({ heldId })),
);

type Listed = { readonly fresh: JobExecution } | { readonly heldId: string };

/** The listed executions, the held ones looked up in `table` (unknown ids are dropped). */
function resolve(table: ExecutionTable, listed: readonly Listed[]): JobExecution[] {
  return listed.flatMap((entry) => {
    if ('fresh' in entry) return [{ ...entry.fresh }];
    const held = table.get(entry.heldId);
    return held === undefined ? [] : [held];
  });
}

/**
 * The general path, spelled out: apply() each listed observation in turn and confirm it, then
 * mark every cached, non-terminal execution the list does not name (found with a set of ids).
 */
function applyOneByOne(
  table: ExecutionTable,
  listed: readonly JobExecution[],
  nowMs: number,
): { changed: MergeOutcome[]; unlisted: string[] } {
  const changed = listed.map((execution) => table.apply(execution, nowMs)).filter((o) => o.changed);
  const ids = new Set(listed.map((execution) => execution.jobId));
  for (const jobId of ids) table.confirm(jobId);
  const unlisted = table
    .list()
    .filter((execution) => !ids.has(execution.jobId) && !isTerminalStatus(execution.status))
    .map((execution) => execution.jobId);
  for (const jobId of unlisted) table.markUnconfirmed(jobId);
  return { changed, unlisted };
}

describe('ExecutionTable.applyListing', () => {
  it('does what applying each entry and then marking the unlisted ones does, however often it is called', () => {
    fc.assert(
      fc.property(
        fc.array(executionArb, { maxLength: 8 }),
        fc.array(fc.array(listedArb, { maxLength: 6 }), { minLength: 1, maxLength: 4 }),
        fc.array(fc.constantFrom(...JOB_IDS), { maxLength: 3 }),
        (cached, lists, doubted) => {
          const table = new ExecutionTable();
          const general = new ExecutionTable();
          cached.forEach((execution, i) => {
            table.apply(execution, i);
            general.apply(execution, i);
          });
          for (const jobId of doubted) {
            table.markUnconfirmed(jobId);
            general.markUnconfirmed(jobId);
          }
          lists.forEach((list, i) => {
            const nowMs = 100 + i;
            const listed = resolve(table, list);
            const result = table.applyListing(listed, nowMs);
            const expected = applyOneByOne(general, resolve(general, list), nowMs);
            expect(result.changed).toEqual(expected.changed);
            expect([...result.unlisted].sort()).toEqual(expected.unlisted.sort());
            expect(table.list()).toEqual(general.list());
            expect(table.unconfirmed()).toEqual(general.unconfirmed());
            expect(table.next()).toEqual(general.next());
            for (const { jobId } of listed) {
              expect(table.isUnconfirmed(jobId)).toBe(false);
              expect(table.lastChangedAt(jobId)).toBe(general.lastChangedAt(jobId));
            }
          });
        },
      ),
      { numRuns: 500 },
    );
  });

  it('returns the unlisted executions in the order first seen', () => {
    const table = new ExecutionTable();
    for (const jobId of ['z', 'a', 'm']) table.apply({ jobId, status: 'QUEUED', versionNumber: 1 }, 0);
    expect(table.applyListing([{ jobId: 'a', status: 'QUEUED', versionNumber: 1 }], 1).unlisted).toEqual([
      'z',
      'm',
    ]);
  });

  it('still finds the left-out execution when a changing entry is listed twice', () => {
    const table = new ExecutionTable();
    for (const jobId of ['a', 'b']) table.apply({ jobId, status: 'QUEUED', versionNumber: 1 }, 0);
    const result = table.applyListing(
      [
        { jobId: 'a', status: 'QUEUED', versionNumber: 2 },
        { jobId: 'a', status: 'IN_PROGRESS', versionNumber: 3 },
      ],
      1,
    );
    expect(result.unlisted).toEqual(['b']);
    expect(result.changed).toHaveLength(2);
  });
});

type Operation =
  | { readonly kind: 'apply'; readonly execution: JobExecution }
  | { readonly kind: 'list'; readonly listed: readonly Listed[] }
  | { readonly kind: 'relist' }
  | { readonly kind: 'remove'; readonly jobId: string };

const operationArb: fc.Arbitrary<Operation> = fc.oneof(
  executionArb.map((execution): Operation => ({ kind: 'apply', execution })),
  fc.array(listedArb, { maxLength: 6 }).map((listed): Operation => ({ kind: 'list', listed })),
  // The same executions in the same order, as held now: what most notifications are.
  { weight: 2, arbitrary: fc.constant<Operation>({ kind: 'relist' }) },
  fc.constantFrom(...JOB_IDS).map((jobId): Operation => ({ kind: 'remove', jobId })),
);

describe('ExecutionTable.held', () => {
  it('finds what get() finds, at any position, however the table changed', () => {
    fc.assert(
      fc.property(fc.array(operationArb, { maxLength: 30 }), (operations) => {
        const table = new ExecutionTable();
        let lastIds: string[] = [];
        operations.forEach((operation, i) => {
          if (operation.kind === 'apply') table.apply(operation.execution, i);
          if (operation.kind === 'remove') table.remove(operation.jobId);
          if (operation.kind === 'list' || operation.kind === 'relist') {
            const listed =
              operation.kind === 'list'
                ? resolve(table, operation.listed)
                : resolve(
                    table,
                    lastIds.map((heldId) => ({ heldId })),
                  );
            table.applyListing(listed, i);
            lastIds = listed.map((execution) => execution.jobId);
          }
          for (const jobId of JOB_IDS) {
            for (let position = 0; position < 7; position++) {
              expect(table.held(jobId, position)).toBe(table.get(jobId));
            }
          }
        });
      }),
      { numRuns: 500 },
    );
  });
});
