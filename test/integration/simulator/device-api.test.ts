import { beforeEach, describe, expect, it } from 'vitest';
import type { Simulator } from '../../../src/simulator/simulator.js';
import { jobsTopic, useSimulator, type Device } from './sim-client.js';

const simulator = useSimulator();
let sim: Simulator;
let device: Device;

beforeEach(async () => {
  sim = await simulator.start();
  device = await simulator.connect(sim, 'thing-1');
});

const topic = (rest: string): string => jobsTopic('thing-1', rest);

function queue(...jobIds: string[]): void {
  for (const jobId of jobIds) sim.createJob({ jobId, document: { step: jobId }, targets: ['thing-1'] });
}

describe('simulator device API: round trips', () => {
  it('answers get with the pending executions and echoes the clientToken', async () => {
    queue('job-a', 'job-b');
    const reply = await device.request(topic('get'), { clientToken: 'token-1' });
    expect(reply.topic).toBe(topic('get/accepted'));
    expect(reply.body).toMatchObject({ clientToken: 'token-1', inProgressJobs: [] });
    expect((reply.body['queuedJobs'] as { jobId: string }[]).map((j) => j.jobId)).toEqual(['job-a', 'job-b']);
  });

  it('stamps every reply with a timestamp in epoch seconds', async () => {
    const reply = await device.request(topic('get'));
    const timestamp = reply.body['timestamp'] as number;
    expect(Number.isInteger(timestamp)).toBe(true);
    expect(Math.abs(timestamp - Date.now() / 1000)).toBeLessThan(5);
  });

  it('starts the oldest queued execution on start-next with the given statusDetails', async () => {
    queue('job-a', 'job-b');
    const reply = await device.request(topic('start-next'), { statusDetails: { step: 'download' } });
    expect(reply.topic).toBe(topic('start-next/accepted'));
    expect(reply.body['execution']).toMatchObject({
      jobId: 'job-a',
      thingName: 'thing-1',
      status: 'IN_PROGRESS',
      statusDetails: { step: 'download' },
      versionNumber: 2,
      executionNumber: 1,
      jobDocument: { step: 'job-a' },
    });
  });

  it('answers start-next without execution when nothing is pending', async () => {
    const reply = await device.request(topic('start-next'));
    expect(reply.topic).toBe(topic('start-next/accepted'));
    expect(reply.body).not.toHaveProperty('execution');
  });

  it('describes an execution with its job document by default', async () => {
    queue('job-a');
    const reply = await device.request(topic('job-a/get'));
    expect(reply.topic).toBe(topic('job-a/get/accepted'));
    expect(reply.body['execution']).toMatchObject({
      jobId: 'job-a',
      status: 'QUEUED',
      jobDocument: { step: 'job-a' },
    });
  });

  it('leaves the job document out of describe when includeJobDocument is false', async () => {
    queue('job-a');
    const reply = await device.request(topic('job-a/get'), { includeJobDocument: false });
    expect(reply.body['execution']).not.toHaveProperty('jobDocument');
  });

  it('describes $next as the in-progress execution ahead of older queued ones', async () => {
    queue('job-a', 'job-b');
    await device.request(topic('job-b/update'), { status: 'IN_PROGRESS' });
    const reply = await device.request(topic('$next/get'));
    expect(reply.topic).toBe(topic('$next/get/accepted'));
    expect(reply.body['execution']).toMatchObject({ jobId: 'job-b', status: 'IN_PROGRESS' });
  });

  it('answers $next without execution when nothing is pending', async () => {
    const reply = await device.request(topic('$next/get'));
    expect(reply.topic).toBe(topic('$next/get/accepted'));
    expect(reply.body).not.toHaveProperty('execution');
  });

  it('updates an execution and returns its state when includeJobExecutionState is set', async () => {
    queue('job-a');
    const reply = await device.request(topic('job-a/update'), {
      status: 'SUCCEEDED',
      statusDetails: { result: 'ok' },
      expectedVersion: 1,
      includeJobExecutionState: true,
    });
    expect(reply.topic).toBe(topic('job-a/update/accepted'));
    expect(reply.body['executionState']).toEqual({
      status: 'SUCCEEDED',
      statusDetails: { result: 'ok' },
      versionNumber: 2,
    });
  });

  it('accepts expectedVersion as a numeric string, as the developer guide examples send it', async () => {
    queue('job-a');
    const reply = await device.request(topic('job-a/update'), {
      status: 'IN_PROGRESS',
      expectedVersion: '1',
    });
    expect(reply.topic).toBe(topic('job-a/update/accepted'));
  });

  it('returns the job document on update only when includeJobDocument is set', async () => {
    queue('job-a');
    const plain = await device.request(topic('job-a/update'), { status: 'IN_PROGRESS' });
    const withDocument = await device.request(topic('job-a/update'), {
      status: 'IN_PROGRESS',
      includeJobDocument: true,
    });
    expect(plain.body).not.toHaveProperty('jobDocument');
    expect(withDocument.body['jobDocument']).toEqual({ step: 'job-a' });
  });

  it('sets startedAt when an execution goes IN_PROGRESS', async () => {
    queue('job-a');
    await device.request(topic('job-a/update'), { status: 'IN_PROGRESS' });
    const [execution] = sim.executions('thing-1');
    expect(execution?.startedAt).toBeTypeOf('number');
  });
});
