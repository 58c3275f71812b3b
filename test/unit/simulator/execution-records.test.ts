import { describe, expect, it } from 'vitest';
import {
  ExecutionRecords,
  cancelExecutionProblem,
  deleteExecutionProblem,
  setRecordStatus,
} from '../../../src/simulator/execution-records.js';
import type { ExecutionRecord } from '../../../src/simulator/jobs-model.js';
import { SimulatorError } from '../../../src/simulator/simulator-error.js';

function records(): ExecutionRecords {
  const value = new ExecutionRecords();
  value.queue('thing-b', 'job-2', undefined, 100, 2);
  value.queue('thing-a', 'job-1', 'ns', 100, 1);
  value.queue('thing-b', 'job-1', 'ns', 100, 1);
  return value;
}

describe('ExecutionRecords', () => {
  it('queues a fresh execution: QUEUED, number 1, version 1, no timers', () => {
    expect(records().get('thing-a', 'job-1')).toEqual({
      thingName: 'thing-a',
      jobId: 'job-1',
      namespaceId: 'ns',
      executionNumber: 1,
      status: 'QUEUED',
      statusDetails: undefined,
      queuedAt: 100,
      startedAt: undefined,
      lastUpdatedAt: 100,
      versionNumber: 1,
      order: 1,
      stepDeadlineMs: undefined,
      inProgressDeadlineMs: undefined,
    });
  });

  it('keeps one record per thing and job', () => {
    const value = records();
    expect(value.get('thing-b', 'job-1')).not.toBe(value.get('thing-a', 'job-1'));
    expect(value.get('thing-a', 'job-2')).toBeUndefined();
  });

  it('lists the records in creation order, not insertion order', () => {
    expect(
      records()
        .inOrder()
        .map((r) => `${r.thingName}/${r.jobId}`),
    ).toEqual(['thing-a/job-1', 'thing-b/job-1', 'thing-b/job-2']);
  });

  it('forgets a deleted record', () => {
    const value = records();
    value.delete('thing-a', 'job-1');
    expect(value.get('thing-a', 'job-1')).toBeUndefined();
    expect(value.inOrder()).toHaveLength(2);
  });

  it('calls a job all-terminal only when every one of its executions is terminal', () => {
    const value = records();
    const a = value.get('thing-a', 'job-1');
    if (a) a.status = 'SUCCEEDED';
    expect(value.allTerminal('job-1')).toBe(false);
    const b = value.get('thing-b', 'job-1');
    if (b) b.status = 'CANCELED';
    expect(value.allTerminal('job-1')).toBe(true);
  });

  it('does not call a job without executions all-terminal', () => {
    expect(records().allTerminal('job-9')).toBe(false);
  });

  it('finds the earliest timer of any kind', () => {
    const value = records();
    const a = value.get('thing-a', 'job-1');
    const b = value.get('thing-b', 'job-2');
    if (a) a.inProgressDeadlineMs = 9_000;
    if (b) b.stepDeadlineMs = 7_000;
    expect(value.nextDeadline()).toBe(7_000);
    expect(new ExecutionRecords().nextDeadline()).toBeUndefined();
  });

  it('finds the pending executions whose timer ran out, in creation order', () => {
    const value = records();
    for (const record of value.inOrder()) record.stepDeadlineMs = 5_000;
    const done = value.get('thing-b', 'job-1');
    if (done) done.status = 'SUCCEEDED';
    expect(value.due(4_999)).toEqual([]);
    expect(value.due(5_000).map((r) => `${r.thingName}/${r.jobId}`)).toEqual([
      'thing-a/job-1',
      'thing-b/job-2',
    ]);
  });
});

describe('ExecutionRecords.require', () => {
  it('returns the record of a known thing and job', () => {
    const value = records();
    expect(value.require('thing-a', 'job-1')).toBe(value.get('thing-a', 'job-1'));
  });

  it('throws ResourceNotFoundException for an unknown one', () => {
    let thrown: unknown;
    try {
      records().require('thing-a', 'job-2');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(SimulatorError);
    expect(thrown).toMatchObject({ type: 'ResourceNotFoundException' });
  });
});

function queued(): ExecutionRecord {
  const value = new ExecutionRecords();
  value.queue('thing', 'job', undefined, 100, 1);
  return value.require('thing', 'job');
}

function inStatus(status: ExecutionRecord['status']): ExecutionRecord {
  return { ...queued(), status };
}

describe('setRecordStatus', () => {
  it('bumps the version and stamps the update in epoch seconds', () => {
    const record = queued();
    setRecordStatus(record, 'IN_PROGRESS', 200_500, undefined);
    expect(record).toMatchObject({ status: 'IN_PROGRESS', versionNumber: 2, lastUpdatedAt: 200 });
  });

  it('stamps the start and starts the in-progress timer when a QUEUED execution starts', () => {
    const record = queued();
    setRecordStatus(record, 'IN_PROGRESS', 200_000, 2);
    expect(record).toMatchObject({ startedAt: 200, inProgressDeadlineMs: 200_000 + 2 * 60_000 });
  });

  it('starts no in-progress timer for a job without a timeout', () => {
    const record = queued();
    setRecordStatus(record, 'IN_PROGRESS', 200_000, undefined);
    expect(record.inProgressDeadlineMs).toBeUndefined();
  });

  it('keeps the start stamp of an execution already in progress', () => {
    const record = { ...inStatus('IN_PROGRESS'), startedAt: 150 };
    setRecordStatus(record, 'IN_PROGRESS', 200_000, 2);
    expect(record.startedAt).toBe(150);
    expect(record.inProgressDeadlineMs).toBeUndefined();
  });

  it('stops both timers at a terminal status', () => {
    const record = { ...inStatus('IN_PROGRESS'), stepDeadlineMs: 1, inProgressDeadlineMs: 2 };
    setRecordStatus(record, 'FAILED', 200_000, undefined);
    expect(record.stepDeadlineMs).toBeUndefined();
    expect(record.inProgressDeadlineMs).toBeUndefined();
  });
});

describe('cancelExecutionProblem', () => {
  it('allows cancelling a QUEUED execution', () => {
    expect(cancelExecutionProblem(inStatus('QUEUED'), false)).toBeUndefined();
  });

  it('refuses an IN_PROGRESS execution without force', () => {
    expect(cancelExecutionProblem(inStatus('IN_PROGRESS'), false)).toBe(
      'cannot cancel the IN_PROGRESS execution of job on thing without force',
    );
  });

  it('allows an IN_PROGRESS execution with force', () => {
    expect(cancelExecutionProblem(inStatus('IN_PROGRESS'), true)).toBeUndefined();
  });

  it('refuses a terminal execution even with force', () => {
    expect(cancelExecutionProblem(inStatus('SUCCEEDED'), true)).toBe(
      'cannot cancel the SUCCEEDED execution of job on thing',
    );
  });
});

describe('deleteExecutionProblem', () => {
  it('allows deleting a terminal execution', () => {
    expect(deleteExecutionProblem(inStatus('CANCELED'), false)).toBeUndefined();
  });

  it('refuses a pending execution without force', () => {
    expect(deleteExecutionProblem(inStatus('QUEUED'), false)).toBe(
      'cannot delete the QUEUED execution of job on thing without force',
    );
  });

  it('allows a pending execution with force', () => {
    expect(deleteExecutionProblem(inStatus('IN_PROGRESS'), true)).toBeUndefined();
  });
});
