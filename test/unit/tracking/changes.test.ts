import { describe, expect, it } from 'vitest';
import { ExecutionTable } from '../../../src/cache/execution-table.js';
import type { JobExecution } from '../../../src/protocol/types.js';
import { applyNextNotification, applyNotifyList } from '../../../src/tracking/changes.js';

function queued(jobId: string, queuedAt: number): JobExecution {
  return { jobId, status: 'QUEUED', queuedAt, versionNumber: 1, executionNumber: 1 };
}

function tableOf(...executions: JobExecution[]): ExecutionTable {
  const table = new ExecutionTable();
  for (const execution of executions) table.apply(execution, 0);
  return table;
}

describe('applyNotifyList', () => {
  it('marks a cached pending execution the list leaves out, and asks to confirm it', () => {
    const table = tableOf(queued('a', 1), queued('b', 2), queued('c', 3));
    const result = applyNotifyList(table, [queued('a', 1), queued('b', 2)], 10);
    expect(result.toConfirm).toEqual(['c']);
    expect(table.isUnconfirmed('c')).toBe(true);
  });

  it('asks nothing when the list names every cached execution', () => {
    const table = tableOf(queued('a', 1), queued('b', 2));
    expect(applyNotifyList(table, [queued('a', 1), queued('b', 2)], 10).toConfirm).toEqual([]);
  });

  it('still finds the left-out execution when the list names another one twice', () => {
    const table = tableOf(queued('a', 1), queued('b', 2));
    const result = applyNotifyList(table, [queued('a', 1), queued('a', 1)], 10);
    expect(result.toConfirm).toEqual(['b']);
  });

  it('confirms an execution that a later list names again', () => {
    const table = tableOf(queued('a', 1), queued('b', 2));
    applyNotifyList(table, [queued('a', 1)], 10);
    applyNotifyList(table, [queued('a', 1), queued('b', 2)], 11);
    expect(table.isUnconfirmed('b')).toBe(false);
  });

  it('leaves a finished execution alone', () => {
    const table = tableOf(queued('a', 1), { ...queued('b', 2), status: 'SUCCEEDED', versionNumber: 3 });
    expect(applyNotifyList(table, [queued('a', 1)], 10).toConfirm).toEqual([]);
  });
});

describe('applyNextNotification', () => {
  it('marks a cached execution that would come before the announced head', () => {
    const table = tableOf(queued('early', 1), queued('late', 5));
    const result = applyNextNotification(table, queued('late', 5), 10);
    expect(result.toConfirm).toEqual(['early']);
  });

  it('ranks an IN_PROGRESS execution ahead of a QUEUED head, whatever its queue time', () => {
    const table = tableOf(
      { ...queued('running', 9), status: 'IN_PROGRESS', versionNumber: 2 },
      queued('q', 1),
    );
    expect(applyNextNotification(table, queued('q', 1), 10).toConfirm).toEqual(['running']);
  });

  it('asks nothing when the announced head is already first in the table', () => {
    const table = tableOf(queued('first', 1), queued('second', 5));
    expect(applyNextNotification(table, queued('first', 1), 10).toConfirm).toEqual([]);
  });

  it('asks again about an execution still doubted from an earlier notification', () => {
    const table = tableOf(queued('early', 1), queued('late', 5));
    applyNextNotification(table, queued('late', 5), 10);
    expect(applyNextNotification(table, queued('late', 5), 11).toConfirm).toEqual(['early']);
  });

  it('marks every pending execution when the queue is announced empty', () => {
    const table = tableOf(queued('a', 1), queued('b', 2));
    expect(applyNextNotification(table, null, 10).toConfirm).toEqual(['a', 'b']);
  });
});
