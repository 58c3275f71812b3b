import { describe, expect, it } from 'vitest';
import { ConfigError, RejectedError } from '../../../src/errors.js';
import {
  THING,
  recordRequests,
  simulatorAgentOptions,
  updatesOf,
  waitForEvent,
  useSimulator,
} from './harness.js';

describe('jobs requests against the simulator', () => {
  const suite = useSimulator();
  const { agents } = suite;

  const simExecution = (jobId: string) => suite.sim.executions(THING).find((e) => e.jobId === jobId);

  it('starts the next job with startNext and leaves it to the application', async () => {
    const agent = agents.create(simulatorAgentOptions(suite.sim));
    let handled = false;
    agent.handle('manual', () => {
      handled = true;
    });
    suite.sim.createJob({ jobId: 'first', document: { operation: 'other' }, targets: [THING] });
    await agent.start();
    const started = await agent.startNext({ statusDetails: { by: 'app' }, stepTimeoutInMinutes: 5 });
    expect(started).toMatchObject({ jobId: 'first', status: 'IN_PROGRESS', statusDetails: { by: 'app' } });
    expect(agent.execution('first')).toMatchObject({ status: 'IN_PROGRESS', versionNumber: 2 });
    expect(simExecution('first')?.timesOutAtMs).toBeDefined();
    expect(handled).toBe(false);
  });

  it('describes a job and $next, merging the reply into the cache', async () => {
    const agent = agents.create(simulatorAgentOptions(suite.sim));
    await agent.start();
    expect(await agent.describe('$next')).toBeNull();
    suite.sim.createJob({ jobId: 'seen', document: { operation: 'x', size: 3 }, targets: [THING] });
    const next = await agent.describe('$next');
    expect(next).toMatchObject({ jobId: 'seen', status: 'QUEUED', jobDocument: { operation: 'x', size: 3 } });
    expect(await agent.describe('seen')).toMatchObject({ jobId: 'seen', versionNumber: 1 });
    expect((await agent.getPending()).queued.map((e) => e.jobId)).toEqual(['seen']);
    expect(agent.execution('seen')?.jobDocument).toEqual({ operation: 'x', size: 3 });
  });

  it('rejects with the AWS code and the execution state', async () => {
    const agent = agents.create(simulatorAgentOptions(suite.sim));
    suite.sim.createJob({ jobId: 'done', document: { operation: 'x' }, targets: [THING] });
    await agent.start();
    await agent.update('done', 'SUCCEEDED');
    const error = await agent.update('done', 'FAILED').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RejectedError);
    expect(error).toMatchObject({
      rejectedCode: 'InvalidStateTransition',
      executionState: { status: 'SUCCEEDED' },
    });
    expect(agent.execution('done')?.status).toBe('SUCCEEDED');
  });

  it('refuses bad statusDetails before sending anything, naming the key', async () => {
    const agent = agents.create(simulatorAgentOptions(suite.sim));
    const requests = recordRequests(suite.sim);
    suite.sim.createJob({ jobId: 'j', document: { operation: 'x' }, targets: [THING] });
    await agent.start();
    const error = await agent
      .update('j', 'IN_PROGRESS', { statusDetails: { 'bad key': 'x' } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain('"bad key"');
    const tooLong = await agent
      .update('j', 'IN_PROGRESS', { statusDetails: { note: 'y'.repeat(1025) } })
      .catch((e: unknown) => e);
    expect((tooLong as ConfigError).issues[0]?.path).toBe('statusDetails.note');
    expect(updatesOf(requests, 'j')).toEqual([]);
  });

  it('retries throttled updates with backoff until accepted', async () => {
    const agent = agents.create(simulatorAgentOptions(suite.sim));
    const requests = recordRequests(suite.sim);
    suite.sim.createJob({ jobId: 't', document: { operation: 'x' }, targets: [THING] });
    await agent.start();
    suite.sim.faults.failRequests(3, 'RequestThrottled');
    const updated = await agent.update('t', 'IN_PROGRESS', { statusDetails: { step: '1' } });
    expect(updated).toMatchObject({ status: 'IN_PROGRESS', statusDetails: { step: '1' }, versionNumber: 2 });
    expect(updatesOf(requests, 't')).toHaveLength(4);
    expect(simExecution('t')).toMatchObject({ status: 'IN_PROGRESS', versionNumber: 2 });
  });

  it('retries an update refused with InternalError', async () => {
    const agent = agents.create(simulatorAgentOptions(suite.sim));
    suite.sim.createJob({ jobId: 'i', document: { operation: 'x' }, targets: [THING] });
    await agent.start();
    suite.sim.faults.failRequests(2, 'InternalError');
    await agent.update('i', 'SUCCEEDED');
    expect(simExecution('i')?.status).toBe('SUCCEEDED');
  });

  it('sends expectedVersion from the cache, and re-reads and retries once on VersionMismatch', async () => {
    const agent = agents.create(simulatorAgentOptions(suite.sim));
    const requests = recordRequests(suite.sim);
    suite.sim.createJob({ jobId: 'v', document: { operation: 'x' }, targets: [THING] });
    await agent.start();
    await agent.update('v', 'IN_PROGRESS');
    // Another writer moves the execution on without telling this device (no notification).
    suite.sim.state.update({ thingName: THING }, 'v', {
      status: 'IN_PROGRESS',
      statusDetails: { other: 'writer' },
    });
    const updated = await agent.update('v', 'SUCCEEDED', { statusDetails: { mine: 'yes' } });
    expect(updated).toMatchObject({ status: 'SUCCEEDED', versionNumber: 4, statusDetails: { mine: 'yes' } });
    const sent = updatesOf(requests, 'v').map((r) => r.body['expectedVersion']);
    expect(sent).toEqual([1, 2, 3]);
    expect(requests.filter((r) => r.topic === `$aws/things/${THING}/jobs/v/get`)).toHaveLength(1);
    expect(simExecution('v')).toMatchObject({ status: 'SUCCEEDED', statusDetails: { mine: 'yes' } });
  });

  it('shows an update in the cache at once, before the service accepts it', async () => {
    const agent = agents.create(simulatorAgentOptions(suite.sim));
    suite.sim.createJob({ jobId: 'fast', document: { operation: 'x' }, targets: [THING] });
    await agent.start();
    const local = waitForEvent(agent, 'executionUpdated', (e) => e.source === 'local');
    const done = agent.update('fast', 'IN_PROGRESS', { statusDetails: { step: 'a' } });
    expect(agent.execution('fast')).toMatchObject({
      status: 'IN_PROGRESS',
      statusDetails: { step: 'a' },
      versionNumber: 2,
    });
    expect((await local).previousStatus).toBe('QUEUED');
    await done;
    expect(agent.execution('fast')).toMatchObject({ status: 'IN_PROGRESS', versionNumber: 2 });
  });
});
