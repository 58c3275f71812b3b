import { describe, expect, it } from 'vitest';
import { FINISHED_RECORDS_KEPT, RunJournal } from '../../../src/lifecycle/journal.js';

const start = (jobId: string, executionNumber: number | undefined = 1) => ({
  jobId,
  executionNumber,
  operation: 'op',
  startedAt: 100,
});

describe('RunJournal', () => {
  it('tells executions apart by job id and execution number', () => {
    const journal = new RunJournal();
    journal.enter('running', start('a', 1));
    expect(journal.get('a', 1)?.phase).toBe('running');
    expect(journal.get('a', 2)).toBeUndefined();
  });

  it('keeps the checkpoint and start time when a run moves on', () => {
    const journal = new RunJournal();
    journal.enter('claimed', start('a'));
    journal.enter('running', { ...start('a'), startedAt: 999 });
    journal.checkpoint('a', 1, { block: 3 });
    journal.enter('running', { ...start('a'), startedAt: 5_000 });
    expect(journal.get('a', 1)).toMatchObject({ phase: 'running', startedAt: 100, checkpoint: { block: 3 } });
  });

  it('stores a checkpoint only for a running execution', () => {
    const journal = new RunJournal();
    expect(journal.checkpoint('a', 1, 1)).toBe(false);
    journal.enter('running', start('a'));
    journal.finish('a', 1, 'succeeded', 200);
    expect(journal.checkpoint('a', 1, 2)).toBe(false);
  });

  it('drops the checkpoint when the run finishes', () => {
    const journal = new RunJournal();
    journal.enter('running', start('a'));
    journal.checkpoint('a', 1, { big: 'state' });
    journal.finish('a', 1, 'failed', 200);
    expect(journal.get('a', 1)).toEqual({
      jobId: 'a',
      executionNumber: 1,
      operation: 'op',
      startedAt: 100,
      phase: 'finished',
      outcome: 'failed',
      finishedAt: 200,
    });
  });

  it('lists unfinished runs, claimed and running', () => {
    const journal = new RunJournal();
    journal.enter('claimed', start('a'));
    journal.enter('running', start('b'));
    journal.enter('running', start('c'));
    journal.finish('c', 1, 'succeeded', 1);
    expect(journal.unfinished().map((r) => r.jobId)).toEqual(['a', 'b']);
    expect(journal.unfinished('b').map((r) => r.phase)).toEqual(['running']);
  });

  it('puts back what a refused claim replaced', () => {
    const journal = new RunJournal();
    const fresh = journal.enter('claimed', start('a'));
    journal.restore('a', 1, fresh);
    expect(journal.get('a', 1)).toBeUndefined();
  });

  it('keeps a bounded number of finished records, oldest dropped first, running ones never', () => {
    const journal = new RunJournal();
    journal.enter('running', start('still-running'));
    for (let i = 0; i < FINISHED_RECORDS_KEPT + 5; i++) journal.finish(`job-${String(i)}`, 1, 'succeeded', i);
    expect(journal.records()).toHaveLength(FINISHED_RECORDS_KEPT + 1);
    expect(journal.get('job-0', 1)).toBeUndefined();
    expect(journal.get(`job-${String(FINISHED_RECORDS_KEPT + 4)}`, 1)).toBeDefined();
    expect(journal.get('still-running', 1)?.phase).toBe('running');
  });
});
