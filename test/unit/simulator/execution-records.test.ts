import { describe, expect, it } from 'vitest';
import { ExecutionRecords } from '../../../src/simulator/execution-records.js';

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
