import { describe, expect, it } from 'vitest';
import { ExecutionTable } from '../../../src/cache/execution-table.js';
import { applyListing } from '../../../src/reconcile/diff.js';
import type { JobExecution } from '../../../src/protocol/types.js';

const STARTED_MS = 10_000;
const NOW_MS = 10_500;

/** A ListJobExecutionsForThing summary: no versionNumber, statusDetails or jobDocument. */
function summary(jobId: string, overrides: Partial<JobExecution> = {}): JobExecution {
  return {
    jobId,
    status: 'QUEUED',
    queuedAt: 1_700_000_000,
    lastUpdatedAt: 1_700_000_000,
    executionNumber: 1,
    ...overrides,
  };
}

/** A notification or describe: carries versionNumber and the details. */
function notified(jobId: string, overrides: Partial<JobExecution> = {}): JobExecution {
  return { ...summary(jobId), versionNumber: 1, ...overrides };
}

describe('applyListing', () => {
  it('adds listed executions the table does not hold, in listing order', () => {
    const table = new ExecutionTable();
    const changes = applyListing(table, [summary('b'), summary('a')], STARTED_MS, NOW_MS);
    expect(changes).toEqual({ added: [summary('b'), summary('a')], updated: [], removed: [] });
    expect(table.size).toBe(2);
  });

  it('records the listing time as the last change of what it changed', () => {
    const table = new ExecutionTable();
    applyListing(table, [summary('a')], STARTED_MS, NOW_MS);
    expect(table.lastChangedAt('a')).toBe(NOW_MS);
  });

  it('reports an execution the listing moved on, with its previous value and changed fields', () => {
    const table = new ExecutionTable([notified('a')]);
    const listed = summary('a', {
      status: 'IN_PROGRESS',
      lastUpdatedAt: 1_700_000_050,
      startedAt: 1_700_000_050,
    });
    const changes = applyListing(table, [listed], STARTED_MS, NOW_MS);
    expect(changes.updated).toEqual([
      {
        execution: {
          ...notified('a'),
          status: 'IN_PROGRESS',
          lastUpdatedAt: 1_700_000_050,
          startedAt: 1_700_000_050,
        },
        previous: notified('a'),
        changedFields: ['status', 'startedAt', 'lastUpdatedAt'],
      },
    ]);
  });

  it('reports nothing for a listing that matches the table', () => {
    const table = new ExecutionTable([notified('a', { jobDocument: { op: 'x' } })]);
    const changes = applyListing(table, [summary('a')], STARTED_MS, NOW_MS);
    expect(changes).toEqual({ added: [], updated: [], removed: [] });
  });

  it('does not let an older listing regress a newer notification', () => {
    const table = new ExecutionTable();
    const newer = notified('a', {
      status: 'IN_PROGRESS',
      versionNumber: 2,
      lastUpdatedAt: 1_700_000_100,
      statusDetails: { step: '2' },
    });
    table.apply(newer, STARTED_MS - 1_000);
    const stale = summary('a', { status: 'QUEUED', lastUpdatedAt: 1_700_000_000 });
    const changes = applyListing(table, [stale], STARTED_MS, NOW_MS);
    expect(changes.updated).toEqual([]);
    expect(table.get('a')).toEqual(newer);
  });

  it('does not let an older listing overwrite fields even when the status is the same', () => {
    const table = new ExecutionTable();
    const newer = notified('a', {
      status: 'IN_PROGRESS',
      versionNumber: 2,
      lastUpdatedAt: 1_700_000_100,
      retryAttempt: 1,
    });
    table.apply(newer, STARTED_MS - 1_000);
    const stale = summary('a', { status: 'IN_PROGRESS', lastUpdatedAt: 1_700_000_060, retryAttempt: 0 });
    applyListing(table, [stale], STARTED_MS, NOW_MS);
    expect(table.get('a')).toEqual(newer);
  });

  it('does not reopen a terminal execution from a listing taken before it finished', () => {
    const table = new ExecutionTable([notified('a', { status: 'SUCCEEDED', versionNumber: 3 })]);
    applyListing(
      table,
      [summary('a', { status: 'IN_PROGRESS', lastUpdatedAt: 1_800_000_000 })],
      STARTED_MS,
      NOW_MS,
    );
    expect(table.get('a')?.status).toBe('SUCCEEDED');
  });

  it('removes a cached execution the complete listing does not contain', () => {
    const table = new ExecutionTable([notified('kept'), notified('deleted', { status: 'CANCELED' })]);
    const changes = applyListing(table, [summary('kept')], STARTED_MS, NOW_MS);
    expect(changes.removed).toEqual([notified('deleted', { status: 'CANCELED' })]);
    expect(table.get('deleted')).toBeUndefined();
  });

  it('removes an entry last changed before the listing started', () => {
    const table = new ExecutionTable();
    table.apply(notified('old'), STARTED_MS - 1);
    expect(applyListing(table, [], STARTED_MS, NOW_MS).removed.map((e) => e.jobId)).toEqual(['old']);
  });

  it('keeps an execution that changed while the listing was in flight', () => {
    const table = new ExecutionTable();
    table.apply(notified('arrived-during-listing'), STARTED_MS + 200);
    const changes = applyListing(table, [], STARTED_MS, NOW_MS);
    expect(changes.removed).toEqual([]);
    expect(table.get('arrived-during-listing')).toBeDefined();
  });

  it('keeps an execution that changed at the very millisecond the listing started', () => {
    const table = new ExecutionTable();
    table.apply(notified('tie'), STARTED_MS);
    expect(applyListing(table, [], STARTED_MS, NOW_MS).removed).toEqual([]);
  });

  it('removes a kept execution on the next listing that still lacks it', () => {
    const table = new ExecutionTable();
    table.apply(notified('gone'), STARTED_MS + 200);
    applyListing(table, [], STARTED_MS, NOW_MS);
    const next = applyListing(table, [], NOW_MS + 1, NOW_MS + 100);
    expect(next.removed.map((e) => e.jobId)).toEqual(['gone']);
  });

  it('confirms listed executions', () => {
    const table = new ExecutionTable([notified('a')]);
    table.markUnconfirmed('a');
    applyListing(table, [summary('a')], STARTED_MS, NOW_MS);
    expect(table.unconfirmed()).toEqual([]);
  });

  it('removes an unconfirmed execution the listing lacks', () => {
    const table = new ExecutionTable([notified('a')]);
    table.markUnconfirmed('a');
    applyListing(table, [], STARTED_MS, NOW_MS);
    expect([table.size, table.unconfirmed()]).toEqual([0, []]);
  });

  it('merges several executions of one job in the listing before applying them once', () => {
    const table = new ExecutionTable();
    const rerun = summary('a', { executionNumber: 2, queuedAt: 1_700_000_500 });
    const firstRun = summary('a', { executionNumber: 1, status: 'FAILED' });
    const changes = applyListing(table, [rerun, firstRun], STARTED_MS, NOW_MS);
    expect(changes).toEqual({ added: [rerun], updated: [], removed: [] });
  });

  it('removes an unlisted execution even when the listing repeats a job as often as the table has entries', () => {
    const table = new ExecutionTable([notified('listed'), notified('deleted')]);
    const changes = applyListing(
      table,
      [summary('listed'), summary('listed', { lastUpdatedAt: 1_700_000_001 })],
      STARTED_MS,
      NOW_MS,
    );
    expect(changes.removed.map((e) => e.jobId)).toEqual(['deleted']);
  });

  it('reports a re-run found by the listing as an update of the job', () => {
    const table = new ExecutionTable([
      notified('a', { status: 'FAILED', versionNumber: 4, jobDocument: { op: 'x' } }),
    ]);
    const rerun = summary('a', { executionNumber: 2, queuedAt: 1_700_000_500 });
    const [update] = applyListing(table, [rerun], STARTED_MS, NOW_MS).updated;
    expect(update?.execution).toEqual({ ...rerun, jobDocument: { op: 'x' } });
  });

  it('reports every kind of change from one listing', () => {
    const table = new ExecutionTable([notified('same'), notified('moved'), notified('deleted')]);
    const changes = applyListing(
      table,
      [
        summary('same'),
        summary('moved', { status: 'IN_PROGRESS', lastUpdatedAt: 1_700_000_009 }),
        summary('new'),
      ],
      STARTED_MS,
      NOW_MS,
    );
    expect({
      added: changes.added.map((e) => e.jobId),
      updated: changes.updated.map((u) => u.execution.jobId),
      removed: changes.removed.map((e) => e.jobId),
      total: table.size,
    }).toEqual({ added: ['new'], updated: ['moved'], removed: ['deleted'], total: 3 });
  });
});
