import { describe, expect, it } from 'vitest';
import { ClosedError, ConfigError } from '../../../src/errors.js';
import { JobRun, type JobRunOptions } from '../../../src/lifecycle/runner.js';
import type { ProgressReport } from '../../../src/lifecycle/progress.js';
import type { JobHandler } from '../../../src/lifecycle/types.js';
import { ManualClock, flushMicrotasks } from '../../helpers/manual-clock.js';

function runOf(handler: JobHandler<unknown>, overrides: Partial<JobRunOptions> = {}) {
  const clock = new ManualClock(0);
  const progress: ProgressReport[] = [];
  const timedOut: number[] = [];
  const run = new JobRun({
    execution: { jobId: 'j', status: 'IN_PROGRESS', executionNumber: 1 },
    operation: 'op',
    document: { operation: 'op' },
    handler,
    resuming: false,
    checkpoint: undefined,
    clock,
    progressIntervalMs: 0,
    sendProgress: (report) => {
      progress.push(report);
      return new Promise(() => undefined); // never delivered
    },
    saveCheckpoint: () => Promise.resolve(),
    onTimedOut: (deadlineMs) => timedOut.push(deadlineMs),
    ...overrides,
  });
  return { clock, run, progress, timedOut };
}

const untilAborted = (signal: AbortSignal) =>
  new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));

describe('JobRun', () => {
  it('ends SUCCEEDED with the returned details', async () => {
    const { run } = runOf(() => ({ statusDetails: { v: '1' } }));
    expect(await run.run()).toEqual({ kind: 'completed', status: 'SUCCEEDED', statusDetails: { v: '1' } });
  });

  it('ends with the status the handler chose', async () => {
    const { run } = runOf(() => ({ status: 'FAILED', statusDetails: { why: 'checksum' } }));
    expect(await run.run()).toMatchObject({ status: 'FAILED', statusDetails: { why: 'checksum' } });
  });

  it('ends FAILED with a bounded reason when the handler throws', async () => {
    const { run } = runOf(() => {
      throw new Error('x'.repeat(3_000));
    });
    const end = await run.run();
    expect(end).toMatchObject({ kind: 'completed', status: 'FAILED' });
    expect(end.kind === 'completed' && end.statusDetails?.['reason']?.length).toBe(1_000);
  });

  it('reports the last unsent progress with the terminal status when the result has no details', async () => {
    const { run, progress } = runOf(({ progress: report }) => {
      report({ step: '1' });
      report({ step: '2' });
    });
    expect(await run.run()).toMatchObject({ status: 'SUCCEEDED', statusDetails: { step: '2' } });
    expect(progress.map((p) => p.statusDetails['step'])).toEqual(['1']);
  });

  it('throws ConfigError from progress() for details AWS would refuse', async () => {
    let thrown: unknown;
    const { run } = runOf(({ progress }) => {
      try {
        progress({ 'no spaces allowed': 'x' });
      } catch (error) {
        thrown = error;
      }
    });
    await run.run();
    expect(thrown).toBeInstanceOf(ConfigError);
  });

  it('aborts the signal and fires onTimedOut at the step deadline', async () => {
    const { clock, run, timedOut } = runOf(async ({ signal }) => {
      await untilAborted(signal);
    });
    run.setStepTimeout(0, 1);
    const ended = run.run();
    clock.advance(60_000);
    expect(await ended).toEqual({ kind: 'aborted', cause: 'timed-out' });
    expect(timedOut).toEqual([60_000]);
  });

  it('ignores what a cancelled handler returns', async () => {
    const { run } = runOf(async ({ signal }) => {
      await untilAborted(signal);
      return { statusDetails: { late: 'yes' } };
    });
    const ended = run.run();
    await flushMicrotasks();
    run.abort('canceled', new Error('canceled'));
    expect(await ended).toEqual({ kind: 'aborted', cause: 'canceled' });
  });

  it('keeps the result of a handler that finished despite a stop, but not a throw caused by it', async () => {
    const finishing = runOf(async ({ signal }) => {
      await untilAborted(signal);
      return { statusDetails: { done: 'anyway' } };
    });
    const finished = finishing.run.run();
    finishing.run.abort('stopping', new ClosedError());
    expect(await finished).toMatchObject({ kind: 'completed', status: 'SUCCEEDED' });

    const throwing = runOf(async ({ signal }) => {
      await untilAborted(signal);
      throw signal.reason;
    });
    const thrown = throwing.run.run();
    throwing.run.abort('stopping', new ClosedError());
    expect(await thrown).toEqual({ kind: 'aborted', cause: 'stopping' });
  });

  it('passes resuming and the checkpoint to the handler', async () => {
    let seen: unknown;
    const { run } = runOf(
      ({ resuming, checkpoint }) => {
        seen = { resuming, checkpoint };
      },
      { resuming: true, checkpoint: { block: 3 } },
    );
    await run.run();
    expect(seen).toEqual({ resuming: true, checkpoint: { block: 3 } });
  });
});
