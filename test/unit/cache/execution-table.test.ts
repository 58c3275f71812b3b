import { describe, expect, it } from 'vitest';
import { ExecutionTable } from '../../../src/cache/execution-table.js';
import type { JobExecution } from '../../../src/protocol/types.js';
import { anExecution, without } from './executions.js';

const T0 = 1_000;

function ids(executions: readonly JobExecution[]): string[] {
  return executions.map((execution) => execution.jobId);
}

describe('ExecutionTable', () => {
  it('starts empty', () => {
    const table = new ExecutionTable();
    expect([table.size, table.list(), table.next()]).toEqual([0, [], undefined]);
  });

  it('starts from initial executions, merging duplicates of a jobId', () => {
    const table = new ExecutionTable([
      anExecution({ jobId: 'a', versionNumber: 2, status: 'IN_PROGRESS' }),
      anExecution({ jobId: 'a', versionNumber: 1, jobDocument: { op: 'x' } }),
      anExecution({ jobId: 'b' }),
    ]);
    expect(table.size).toBe(2);
    expect(table.get('a')).toMatchObject({
      status: 'IN_PROGRESS',
      versionNumber: 2,
      jobDocument: { op: 'x' },
    });
  });

  it('has no last-change time for initial executions', () => {
    const table = new ExecutionTable([anExecution({ jobId: 'a' })]);
    expect(table.lastChangedAt('a')).toBeUndefined();
  });

  it('adds an unknown execution and reports it as added', () => {
    const table = new ExecutionTable();
    const outcome = table.apply(anExecution({ jobId: 'a' }), T0);
    expect(outcome).toMatchObject({ changed: true, previous: undefined });
    expect(table.get('a')).toEqual(anExecution({ jobId: 'a' }));
  });

  it('records when an entry last changed', () => {
    const table = new ExecutionTable();
    table.apply(anExecution({ jobId: 'a' }), T0);
    table.apply(anExecution({ jobId: 'a', status: 'IN_PROGRESS', versionNumber: 2 }), T0 + 50);
    expect(table.lastChangedAt('a')).toBe(T0 + 50);
  });

  it('keeps the last-change time when an observation changes nothing', () => {
    const table = new ExecutionTable();
    table.apply(anExecution({ jobId: 'a' }), T0);
    const outcome = table.apply(anExecution({ jobId: 'a' }), T0 + 50);
    expect([outcome.changed, table.lastChangedAt('a')]).toEqual([false, T0]);
  });

  it('does not let an older observation regress an entry', () => {
    const table = new ExecutionTable();
    table.apply(anExecution({ jobId: 'a', status: 'IN_PROGRESS', versionNumber: 3 }), T0);
    const outcome = table.apply(anExecution({ jobId: 'a', status: 'IN_PROGRESS', versionNumber: 2 }), T0 + 1);
    expect([outcome.changed, table.get('a')?.versionNumber]).toEqual([false, 3]);
  });

  it('hands out frozen values that callers cannot change', () => {
    const table = new ExecutionTable();
    table.apply(anExecution({ jobId: 'a', statusDetails: { step: '1' }, jobDocument: { steps: [1] } }), T0);
    const value = table.get('a')!;
    expect(Object.isFrozen(value)).toBe(true);
    expect(Object.isFrozen(value.statusDetails)).toBe(true);
    expect(() => {
      (value.jobDocument as { steps: number[] }).steps.push(2);
    }).toThrow(TypeError);
  });

  it('returns frozen values in the apply outcome', () => {
    const table = new ExecutionTable();
    const outcome = table.apply(anExecution({ jobId: 'a', statusDetails: { step: '1' } }), T0);
    expect([Object.isFrozen(outcome.value), Object.isFrozen(outcome.value.statusDetails)]).toEqual([
      true,
      true,
    ]);
  });

  it('is not affected when the caller mutates what it applied', () => {
    const table = new ExecutionTable();
    const statusDetails: Record<string, string> = { step: '1' };
    table.apply(anExecution({ jobId: 'a', statusDetails }), T0);
    statusDetails['step'] = '2';
    expect(table.get('a')?.statusDetails).toEqual({ step: '1' });
  });

  it('returns a frozen list', () => {
    const table = new ExecutionTable([anExecution({ jobId: 'a' })]);
    expect(Object.isFrozen(table.list())).toBe(true);
  });

  it('lists IN_PROGRESS first, then by queuedAt (unknown last), then in the order first seen', () => {
    const table = new ExecutionTable([
      anExecution({ jobId: 'q-late', queuedAt: 30 }),
      without(anExecution({ jobId: 'q-unknown' }), 'queuedAt'),
      anExecution({ jobId: 'done', status: 'SUCCEEDED', queuedAt: 5 }),
      anExecution({ jobId: 'run-b', status: 'IN_PROGRESS', queuedAt: 20 }),
      anExecution({ jobId: 'q-b', queuedAt: 10 }),
      anExecution({ jobId: 'q-a', queuedAt: 10 }),
      anExecution({ jobId: 'run-a', status: 'IN_PROGRESS', queuedAt: 20 }),
    ]);
    expect(ids(table.list())).toEqual(['run-b', 'run-a', 'done', 'q-b', 'q-a', 'q-late', 'q-unknown']);
  });

  it('breaks a queuedAt tie for the head by the order first seen, not by name', () => {
    const table = new ExecutionTable();
    table.apply(anExecution({ jobId: 'welcome', queuedAt: 100 }), 1);
    table.apply(anExecution({ jobId: 'firmware', queuedAt: 100 }), 2);
    table.apply(anExecution({ jobId: 'welcome', queuedAt: 100, versionNumber: 7 }), 3);
    expect(table.next()?.jobId).toBe('welcome');
  });

  it('removes an entry and returns its last value', () => {
    const table = new ExecutionTable([anExecution({ jobId: 'a' })]);
    expect(table.remove('a')).toEqual(anExecution({ jobId: 'a' }));
    expect([table.size, table.get('a')]).toEqual([0, undefined]);
  });

  it('returns undefined when removing an unknown jobId', () => {
    expect(new ExecutionTable().remove('nope')).toBeUndefined();
  });

  it('forgets the last-change time and the mark of a removed entry', () => {
    const table = new ExecutionTable();
    table.apply(anExecution({ jobId: 'a' }), T0);
    table.markUnconfirmed('a');
    table.remove('a');
    expect([table.lastChangedAt('a'), table.isUnconfirmed('a'), table.unconfirmed()]).toEqual([
      undefined,
      false,
      [],
    ]);
  });

  describe('confirmation marks', () => {
    it('marks a cached execution unconfirmed', () => {
      const table = new ExecutionTable([anExecution({ jobId: 'b' }), anExecution({ jobId: 'a' })]);
      expect([table.markUnconfirmed('b'), table.markUnconfirmed('a')]).toEqual([true, true]);
      expect(table.unconfirmed()).toEqual(['a', 'b']);
    });

    it('does not mark a jobId it does not hold', () => {
      const table = new ExecutionTable();
      expect([table.markUnconfirmed('ghost'), table.isUnconfirmed('ghost')]).toEqual([false, false]);
    });

    it('keeps an unconfirmed execution in the table', () => {
      const table = new ExecutionTable([anExecution({ jobId: 'a' })]);
      table.markUnconfirmed('a');
      expect(table.get('a')).toBeDefined();
    });

    it('clears the mark on confirm and says whether there was one', () => {
      const table = new ExecutionTable([anExecution({ jobId: 'a' })]);
      table.markUnconfirmed('a');
      expect([table.confirm('a'), table.confirm('a'), table.isUnconfirmed('a')]).toEqual([
        true,
        false,
        false,
      ]);
    });

    it('keeps the mark when an observation is applied', () => {
      const table = new ExecutionTable([anExecution({ jobId: 'a' })]);
      table.markUnconfirmed('a');
      table.apply(anExecution({ jobId: 'a', status: 'IN_PROGRESS', versionNumber: 2 }), T0);
      expect(table.isUnconfirmed('a')).toBe(true);
    });
  });

  describe('next', () => {
    it('picks an IN_PROGRESS execution before an earlier QUEUED one', () => {
      const table = new ExecutionTable([
        anExecution({ jobId: 'queued', queuedAt: 1 }),
        anExecution({ jobId: 'running', status: 'IN_PROGRESS', queuedAt: 9 }),
      ]);
      expect(table.next()?.jobId).toBe('running');
    });

    it('picks the QUEUED execution queued first', () => {
      const table = new ExecutionTable([
        anExecution({ jobId: 'later', queuedAt: 9 }),
        anExecution({ jobId: 'first', queuedAt: 2 }),
      ]);
      expect(table.next()?.jobId).toBe('first');
    });

    it('never picks a terminal execution', () => {
      const table = new ExecutionTable([
        anExecution({ jobId: 'done', status: 'SUCCEEDED', queuedAt: 1 }),
        anExecution({ jobId: 'failed', status: 'FAILED', queuedAt: 2 }),
      ]);
      expect(table.next()).toBeUndefined();
    });

    it('never picks an execution with an unknown status', () => {
      const table = new ExecutionTable([anExecution({ jobId: 'future', status: 'PAUSED' })]);
      expect(table.next()).toBeUndefined();
    });

    it('skips an unconfirmed execution', () => {
      const table = new ExecutionTable([
        anExecution({ jobId: 'gone', queuedAt: 1 }),
        anExecution({ jobId: 'there', queuedAt: 2 }),
      ]);
      table.markUnconfirmed('gone');
      expect(table.next()?.jobId).toBe('there');
    });

    it('returns the frozen table value', () => {
      const table = new ExecutionTable([anExecution({ jobId: 'a' })]);
      expect(table.next()).toBe(table.get('a'));
    });
  });
});
