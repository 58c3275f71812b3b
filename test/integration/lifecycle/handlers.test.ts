import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { waitUntil } from '../../helpers/events.js';
import {
  THING,
  deferred,
  lifecycleEvents,
  record,
  simulatorAgentOptions,
  waitForEvent,
  useSimulator,
} from './harness.js';

describe('job handlers against the simulator', () => {
  const suite = useSimulator();
  const { agents } = suite;

  const execution = (jobId: string) => suite.sim.executions(THING).find((e) => e.jobId === jobId);

  it('runs a job through IN_PROGRESS, progress and SUCCEEDED', async () => {
    const agent = agents.create(simulatorAgentOptions(suite.sim));
    const events = record(agent);
    const seenInProgress: string[] = [];
    agent.handle('install', (context) => {
      seenInProgress.push(execution(context.jobId)?.status ?? 'missing');
      context.progress({ step: 'downloading' });
      const { document } = context;
      return { statusDetails: { installed: String(document['version']) } };
    });
    await agent.start();
    const succeeded = waitForEvent(agent, 'jobSucceeded');
    suite.sim.createJob({
      jobId: 'job-1',
      document: { operation: 'install', version: '1.2.3' },
      targets: [THING],
    });
    const event = await succeeded;
    expect(event).toMatchObject({
      jobId: 'job-1',
      operation: 'install',
      statusDetails: { installed: '1.2.3' },
    });
    await waitUntil(() => execution('job-1')?.status === 'SUCCEEDED', 5_000, 'SUCCEEDED in the service');
    expect(seenInProgress).toEqual(['IN_PROGRESS']);
    expect(execution('job-1')).toMatchObject({ status: 'SUCCEEDED', statusDetails: { installed: '1.2.3' } });
    expect(agent.execution('job-1')).toMatchObject({
      status: 'SUCCEEDED',
      versionNumber: execution('job-1')?.versionNumber,
    });
    expect(lifecycleEvents(events)).toEqual(['jobStarted', 'jobProgress', 'jobSucceeded']);
  });

  it('rejects a job whose document fails the schema, with the reason in statusDetails', async () => {
    const agent = agents.create(simulatorAgentOptions(suite.sim));
    let called = false;
    agent.handle(
      'install',
      () => {
        called = true;
      },
      { schema: z.object({ operation: z.literal('install'), url: z.url() }) },
    );
    await agent.start();
    const rejected = waitForEvent(agent, 'jobRejected');
    suite.sim.createJob({ jobId: 'bad-doc', document: { operation: 'install', url: 42 }, targets: [THING] });
    const event = await rejected;
    expect(event.reason).toMatch(/^invalid job document: url: /);
    await waitUntil(() => execution('bad-doc')?.status === 'REJECTED', 5_000, 'REJECTED in the service');
    expect(execution('bad-doc')).toMatchObject({
      status: 'REJECTED',
      statusDetails: { reason: event.reason },
    });
    expect(called).toBe(false);
  });

  it('reports FAILED with a bounded message, without the stack, when the handler throws', async () => {
    const agent = agents.create(simulatorAgentOptions(suite.sim));
    agent.handle('install', () => {
      throw new Error(`disk full\n${'x'.repeat(5_000)}`);
    });
    await agent.start();
    const failed = waitForEvent(agent, 'jobFailed');
    suite.sim.createJob({ jobId: 'boom', document: { operation: 'install' }, targets: [THING] });
    const event = await failed;
    await waitUntil(() => execution('boom')?.status === 'FAILED', 5_000, 'FAILED in the service');
    const reason = execution('boom')?.statusDetails?.['reason'] ?? '';
    expect(reason.length).toBe(1000);
    expect(reason.startsWith('disk full x')).toBe(true);
    expect(reason).not.toContain('\n');
    expect(event).toMatchObject({ jobId: 'boom', interrupted: false, reason });
  });

  it('runs jobs one at a time, in queue order, by default', async () => {
    const agent = agents.create(simulatorAgentOptions(suite.sim));
    const order: string[] = [];
    let running = 0;
    let maxRunning = 0;
    const gate = deferred();
    agent.handle('step', async ({ jobId }) => {
      running += 1;
      maxRunning = Math.max(maxRunning, running);
      order.push(jobId);
      await gate.promise;
      running -= 1;
    });
    await agent.start();
    suite.sim.createJob({ jobId: 'a', document: { operation: 'step' }, targets: [THING] });
    suite.sim.createJob({ jobId: 'b', document: { operation: 'step' }, targets: [THING] });
    suite.sim.createJob({ jobId: 'c', document: { operation: 'step' }, targets: [THING] });
    await waitForEvent(agent, 'jobStarted');
    gate.resolve();
    await waitForEvent(agent, 'jobSucceeded', (e) => e.jobId === 'c');
    expect(order).toEqual(['a', 'b', 'c']);
    expect(maxRunning).toBe(1);
  });

  it('runs operations side by side with a concurrency option, each handler within its own limit', async () => {
    const agent = agents.create(simulatorAgentOptions(suite.sim), {}, { concurrency: 3 });
    const running = { a: 0, b: 0 };
    const peak = { a: 0, b: 0, all: 0 };
    const gate = deferred();
    const handler = (op: 'a' | 'b') => async () => {
      running[op] += 1;
      peak[op] = Math.max(peak[op], running[op]);
      peak.all = Math.max(peak.all, running.a + running.b);
      await gate.promise;
      running[op] -= 1;
    };
    agent.handle('a', handler('a'), { concurrency: 1 });
    agent.handle('b', handler('b'), { concurrency: 2 });
    await agent.start();
    for (const jobId of ['a1', 'a2', 'b1', 'b2', 'b3']) {
      suite.sim.createJob({ jobId, document: { operation: jobId.slice(0, 1) }, targets: [THING] });
    }
    await waitUntil(() => running.a + running.b === 3, 5_000, 'three handlers running');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect({ ...running }).toEqual({ a: 1, b: 2 });
    gate.resolve();
    await waitUntil(
      () => suite.sim.executions(THING).every((e) => e.status === 'SUCCEEDED'),
      10_000,
      'every job SUCCEEDED',
    );
    expect(peak).toEqual({ a: 1, b: 2, all: 3 });
  });

  it('leaves a job whose operation has no handler alone by default', async () => {
    const agent = agents.create(simulatorAgentOptions(suite.sim));
    agent.handle('install', () => undefined);
    await agent.start();
    suite.sim.createJob({ jobId: 'foreign', document: { operation: 'calibrate' }, targets: [THING] });
    await waitForEvent(agent, 'executionAdded', (e) => e.execution.jobId === 'foreign');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(execution('foreign')).toMatchObject({ status: 'QUEUED', versionNumber: 1 });
  });

  it("rejects a job whose operation has no handler with unhandledJobs: 'reject'", async () => {
    const agent = agents.create(simulatorAgentOptions(suite.sim), {}, { unhandledJobs: 'reject' });
    agent.handle('install', () => undefined);
    await agent.start();
    const rejected = waitForEvent(agent, 'jobRejected');
    suite.sim.createJob({ jobId: 'unknown-op', document: { operation: 'calibrate' }, targets: [THING] });
    expect(await rejected).toMatchObject({
      jobId: 'unknown-op',
      reason: 'no handler for operation calibrate on this device',
    });
    await waitUntil(() => execution('unknown-op')?.status === 'REJECTED', 5_000, 'REJECTED');
  });
});
