import { describe, expect, it } from 'vitest';

import { ExecutionTable } from '../../../src/cache/execution-table.js';
import type { RegisteredHandler } from '../../../src/lifecycle/claim.js';
import { RunJournal } from '../../../src/lifecycle/journal.js';
import { startRun, type RunStartHost, type StartedRun } from '../../../src/lifecycle/run-start.js';
import type { JobHandler } from '../../../src/lifecycle/types.js';
import { ManualClock } from '../../helpers/manual-clock.js';

function setUp(persist: () => Promise<void>, handler: JobHandler<unknown>) {
  const journal = new RunJournal();
  const log: string[] = [];
  const host: RunStartHost = {
    table: new ExecutionTable(),
    journal,
    clock: new ManualClock(0),
    progressIntervalMs: 0,
    persist: () => {
      log.push(`persist:${journal.get('j', 1)?.phase ?? 'none'}`);
      return persist();
    },
    enqueueTerminal: () => undefined,
    enqueueProgress: () => Promise.resolve(),
    dropUndelivered: () => undefined,
    emit: (event) => log.push(`emit:${event}`),
  };
  const registered: RegisteredHandler = {
    operation: 'op',
    handler: (context) => {
      log.push('handler');
      return handler(context);
    },
    schema: undefined,
    concurrency: 1,
    stepTimeoutInMinutes: undefined,
    resumable: false,
  };
  const preparation: StartedRun = {
    kind: 'run',
    execution: { jobId: 'j', status: 'IN_PROGRESS', executionNumber: 1 },
    registered,
    document: { operation: 'op' },
    resuming: false,
    checkpoint: undefined,
    claimedAtMs: 0,
    hardDeadlineMs: undefined,
  };
  const hooks = {
    started: () => log.push('started'),
    timedOut: () => log.push('timedOut'),
    ended: (_run: unknown, end: { kind: string }) => log.push(`ended:${end.kind}`),
    notStarted: (_run: unknown, error: Error) => log.push(`notStarted:${error.message}`),
  };
  return { journal, log, start: () => startRun(host, preparation, hooks) };
}

describe('startRun', () => {
  it('persists the running record before the handler is called', async () => {
    const s = setUp(
      () => Promise.resolve(),
      () => undefined,
    );
    await s.start().settled;
    expect(s.log).toEqual(['started', 'persist:running', 'emit:jobStarted', 'handler', 'ended:completed']);
  });

  it('never calls the handler when the running record cannot be persisted', async () => {
    const s = setUp(
      () => Promise.reject(new Error('disk full')),
      () => undefined,
    );
    await s.start().settled;
    expect(s.log).toEqual(['started', 'persist:running', 'notStarted:disk full']);
  });

  it('puts the record back to claimed when the running record cannot be persisted', async () => {
    const s = setUp(
      () => Promise.reject(new Error('disk full')),
      () => undefined,
    );
    await s.start().settled;
    expect(s.journal.get('j', 1)?.phase).toBe('claimed');
  });

  it('ends a run aborted before its start was persisted without calling the handler', async () => {
    const s = setUp(
      () => Promise.resolve(),
      () => undefined,
    );
    const { run, settled } = s.start();
    run.abort('stopping', new Error('stopping'));
    await settled;
    expect(s.log).toEqual(['started', 'persist:running', 'ended:aborted']);
  });
});
