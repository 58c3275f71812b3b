import { describe, expect, it } from 'vitest';
import { ExecutionTable } from '../../../src/cache/execution-table.js';
import { applyPrediction, correct, predictedExecution } from '../../../src/lifecycle/optimistic.js';

const running = {
  jobId: 'j',
  status: 'IN_PROGRESS',
  executionNumber: 1,
  versionNumber: 2,
  queuedAt: 10,
  jobDocument: { operation: 'x' },
};

describe('optimistic status updates', () => {
  it('predicts the version the update will produce', () => {
    expect(
      predictedExecution(running, {
        jobId: 'j',
        status: 'SUCCEEDED',
        expectedVersion: 2,
        executionNumber: 1,
        enqueuedAt: 0,
      }),
    ).toEqual({ jobId: 'j', status: 'SUCCEEDED', executionNumber: 1, versionNumber: 3 });
  });

  it('shows queued updates in the table at once, each predicted from the one before', () => {
    const table = new ExecutionTable([running]);
    applyPrediction(
      table,
      { jobId: 'j', status: 'IN_PROGRESS', statusDetails: { step: '1' }, expectedVersion: 2, enqueuedAt: 0 },
      0,
    );
    const second = applyPrediction(
      table,
      { jobId: 'j', status: 'IN_PROGRESS', statusDetails: { step: '2' }, expectedVersion: 3, enqueuedAt: 0 },
      0,
    );
    expect(second).toMatchObject({
      kind: 'updated',
      source: 'local',
      changedFields: ['versionNumber', 'statusDetails'],
    });
    expect(table.get('j')).toMatchObject({ versionNumber: 4, statusDetails: { step: '2' }, queuedAt: 10 });
  });

  it('lets the accepted state confirm a prediction without a change', () => {
    const table = new ExecutionTable([running]);
    applyPrediction(
      table,
      { jobId: 'j', status: 'SUCCEEDED', statusDetails: { r: 'ok' }, expectedVersion: 2, enqueuedAt: 0 },
      0,
    );
    const outcome = table.apply(
      { jobId: 'j', status: 'SUCCEEDED', versionNumber: 3, statusDetails: { r: 'ok' }, executionNumber: 1 },
      1,
    );
    expect(outcome.changed).toBe(false);
  });

  it('keeps a terminal prediction over stale pending observations', () => {
    const table = new ExecutionTable([running]);
    applyPrediction(table, { jobId: 'j', status: 'SUCCEEDED', expectedVersion: 2, enqueuedAt: 0 }, 0);
    table.apply({ jobId: 'j', status: 'IN_PROGRESS', versionNumber: 2, executionNumber: 1 }, 1);
    expect(table.get('j')?.status).toBe('SUCCEEDED');
  });

  it('replaces a refused prediction with the service’s state, even at a lower version', () => {
    const table = new ExecutionTable([running]);
    applyPrediction(table, { jobId: 'j', status: 'IN_PROGRESS', expectedVersion: 2, enqueuedAt: 0 }, 0);
    applyPrediction(table, { jobId: 'j', status: 'SUCCEEDED', expectedVersion: 3, enqueuedAt: 0 }, 0);
    // The merge alone would keep the prediction (SUCCEEDED v4 outranks TIMED_OUT v3).
    expect(
      table.apply({ jobId: 'j', status: 'TIMED_OUT', versionNumber: 3, executionNumber: 1 }, 1).changed,
    ).toBe(false);
    const change = correct(
      table,
      { jobId: 'j', status: 'TIMED_OUT', versionNumber: 3, executionNumber: 1 },
      2,
    );
    expect(change).toMatchObject({ kind: 'updated', previous: { status: 'SUCCEEDED' }, source: 'update' });
    expect(table.get('j')).toMatchObject({
      status: 'TIMED_OUT',
      versionNumber: 3,
      jobDocument: { operation: 'x' },
    });
  });

  it('merges a correction about another execution number as usual', () => {
    const table = new ExecutionTable([running]);
    correct(table, { jobId: 'j', status: 'QUEUED', versionNumber: 1, executionNumber: 2 }, 0);
    expect(table.get('j')).toMatchObject({
      status: 'QUEUED',
      executionNumber: 2,
      jobDocument: { operation: 'x' },
    });
  });
});
