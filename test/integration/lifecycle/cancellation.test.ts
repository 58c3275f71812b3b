import { describe, expect, it } from 'vitest';
import type { Simulator } from '../../../src/simulator/simulator.js';
import { MemoryExecutionCache } from '../../../src/cache/memory-cache.js';
import { AbortedError } from '../../../src/errors.js';
import { waitUntil } from '../../helpers/events.js';
import {
  THING,
  deferred,
  recordRequests,
  simulatorAgentOptions,
  updatesOf,
  waitForEvent,
  useSimulator,
} from './harness.js';

describe('cancellation and duplicates against the simulator', () => {
  const suite = useSimulator();
  const { agents } = suite;

  const status = (jobId: string) => suite.sim.executions(THING).find((e) => e.jobId === jobId)?.status;

  it('aborts the running handler when the execution is cancelled, and sends no late status', async () => {
    const agent = agents.create(simulatorAgentOptions(suite.sim));
    const requests = recordRequests(suite.sim);
    const started = deferred();
    let abortReason: unknown;
    const handlerReturned = deferred();
    agent.handle('long', async ({ signal }) => {
      started.resolve();
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
      abortReason = signal.reason;
      handlerReturned.resolve();
      return { statusDetails: { late: 'yes' } };
    });
    await agent.start();
    suite.sim.createJob({ jobId: 'cancel-me', document: { operation: 'long' }, targets: [THING] });
    await started.promise;
    const canceled = waitForEvent(agent, 'jobCanceled');
    suite.sim.cancelExecution(THING, 'cancel-me', { force: true });
    const event = await canceled;
    await handlerReturned.promise;
    expect(event).toMatchObject({ jobId: 'cancel-me', operation: 'long', deleted: false });
    expect(abortReason).toBeInstanceOf(AbortedError);
    // Give a late update every chance to go out, then check none did.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(updatesOf(requests, 'cancel-me').map((r) => r.body['status'])).toEqual(['IN_PROGRESS']);
    expect(status('cancel-me')).toBe('CANCELED');
  });

  it('aborts the handler when a progress update finds the execution cancelled', async () => {
    const agent = agents.create(simulatorAgentOptions(suite.sim));
    const started = deferred();
    const aborted = deferred();
    const report = deferred();
    agent.handle('long', async ({ signal, progress }) => {
      signal.addEventListener('abort', () => aborted.resolve(), { once: true });
      started.resolve();
      await report.promise;
      progress({ step: 'two' });
      await aborted.promise;
    });
    await agent.start();
    suite.sim.createJob({ jobId: 'quiet-cancel', document: { operation: 'long' }, targets: [THING] });
    await started.promise;
    suite.sim.faults.dropNotifications(10); // the agent does not hear about the cancellation
    suite.sim.cancelExecution(THING, 'quiet-cancel', { force: true });
    const canceled = waitForEvent(agent, 'jobCanceled');
    report.resolve();
    expect(await canceled).toMatchObject({ jobId: 'quiet-cancel', status: 'CANCELED' });
    await aborted.promise;
    expect(agent.execution('quiet-cancel')?.status).toBe('CANCELED');
  });

  it('runs nothing twice when notify-next repeats an execution that is running', async () => {
    const agent = agents.create(simulatorAgentOptions(suite.sim));
    const requests = recordRequests(suite.sim);
    let calls = 0;
    const release = deferred();
    agent.handle('once', async () => {
      calls += 1;
      await release.promise;
    });
    await agent.start();
    suite.sim.createJob({ jobId: 'dup', document: { operation: 'once' }, targets: [THING] });
    const started = await waitForEvent(agent, 'jobStarted');
    const queuedCopy = {
      timestamp: 1,
      execution: {
        jobId: 'dup',
        status: 'QUEUED',
        queuedAt: started.execution.queuedAt,
        versionNumber: 1,
        executionNumber: 1,
        jobDocument: { operation: 'once' },
      },
    };
    for (let i = 0; i < 3; i++) await publish(suite.sim, 'notify-next', queuedCopy);
    release.resolve();
    await waitUntil(() => status('dup') === 'SUCCEEDED', 5_000, 'SUCCEEDED');
    for (let i = 0; i < 3; i++) await publish(suite.sim, 'notify-next', queuedCopy);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(calls).toBe(1);
    expect(updatesOf(requests, 'dup').map((r) => r.body['status'])).toEqual(['IN_PROGRESS', 'SUCCEEDED']);
  });

  it('describes a stale cached job once, not in a loop, when the service says it has ended', async () => {
    suite.sim.createJob({ jobId: 'old', document: { operation: 'once' }, targets: [THING] });
    suite.sim.state.update({ thingName: THING }, 'old', { status: 'SUCCEEDED' });
    const cache = new MemoryExecutionCache({
      thingName: THING,
      savedAt: 0,
      executions: [
        {
          jobId: 'old',
          status: 'QUEUED',
          executionNumber: 1,
          versionNumber: 1,
          jobDocument: { operation: 'once' },
        },
      ],
    });
    const agent = agents.create(simulatorAgentOptions(suite.sim), { cache });
    const requests = recordRequests(suite.sim);
    let calls = 0;
    agent.handle('once', () => {
      calls += 1;
    });
    await agent.start();
    await new Promise((resolve) => setTimeout(resolve, 500));
    const describes = requests.filter((r) => r.topic === `$aws/things/${THING}/jobs/old/get`);
    expect(describes).toHaveLength(1);
    expect(calls).toBe(0);
    expect(updatesOf(requests, 'old')).toEqual([]);
  });
});

async function publish(sim: Simulator, kind: 'notify-next', body: object): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    sim.broker.publish(
      {
        cmd: 'publish',
        topic: `$aws/things/${THING}/jobs/${kind}`,
        payload: Buffer.from(JSON.stringify(body)),
        qos: 1,
        dup: false,
        retain: false,
      },
      (error) => {
        if (error) reject(error);
        else resolve();
      },
    );
  });
}
