import { beforeEach, describe, expect, it } from 'vitest';
import type { Simulator } from '../../../src/simulator/simulator.js';
import { connectDevice, jobsTopic, settle, useSimulator, type Device } from './sim-client.js';

const simulator = useSimulator();
let sim: Simulator;
let device: Device;

beforeEach(async () => {
  sim = await simulator.start({ things: ['thing-1', 'thing-2'] });
  device = await simulator.connect(sim, 'thing-1');
  sim.createJob({ jobId: 'job-a', document: { op: 'a' }, targets: ['thing-1'] });
});

const topic = (rest: string): string => jobsTopic('thing-1', rest);

describe('simulator device API: rejections', () => {
  it('rejects an update with a stale expectedVersion as VersionMismatch carrying executionState', async () => {
    await device.request(topic('job-a/update'), { status: 'IN_PROGRESS', statusDetails: { step: '1' } });
    const reply = await device.request(topic('job-a/update'), { status: 'SUCCEEDED', expectedVersion: 1 });
    expect(reply.topic).toBe(topic('job-a/update/rejected'));
    expect(reply.body).toMatchObject({
      code: 'VersionMismatch',
      executionState: { status: 'IN_PROGRESS', statusDetails: { step: '1' }, versionNumber: 2 },
    });
  });

  it('echoes the clientToken on a rejection', async () => {
    const reply = await device.request(topic('job-a/update'), {
      status: 'SUCCEEDED',
      expectedVersion: 9,
      clientToken: 'c-9',
    });
    expect(reply.body).toMatchObject({ code: 'VersionMismatch', clientToken: 'c-9' });
  });

  it('rejects SUCCEEDED -> IN_PROGRESS as InvalidStateTransition carrying executionState', async () => {
    await device.request(topic('job-a/update'), { status: 'SUCCEEDED' });
    const reply = await device.request(topic('job-a/update'), { status: 'IN_PROGRESS' });
    expect(reply.topic).toBe(topic('job-a/update/rejected'));
    expect(reply.body).toMatchObject({
      code: 'InvalidStateTransition',
      executionState: { status: 'SUCCEEDED', versionNumber: 2 },
    });
  });

  it('rejects an update of a canceled execution as InvalidStateTransition', async () => {
    sim.cancelJob('job-a');
    const reply = await device.request(topic('job-a/update'), { status: 'SUCCEEDED' });
    expect(reply.body).toMatchObject({
      code: 'InvalidStateTransition',
      executionState: { status: 'CANCELED' },
    });
  });

  it('rejects describe of a terminal execution as TerminalStateReached', async () => {
    await device.request(topic('job-a/update'), { status: 'FAILED' });
    const reply = await device.request(topic('job-a/get'));
    expect(reply.topic).toBe(topic('job-a/get/rejected'));
    expect(reply.body).toMatchObject({ code: 'TerminalStateReached' });
    expect(reply.body).not.toHaveProperty('executionState');
  });

  it('rejects describe of an unknown job as ResourceNotFound', async () => {
    const reply = await device.request(topic('job-zzz/get'));
    expect(reply.topic).toBe(topic('job-zzz/get/rejected'));
    expect(reply.body).toMatchObject({ code: 'ResourceNotFound' });
  });

  it('rejects an update of a deleted execution as ResourceNotFound', async () => {
    sim.deleteExecution('thing-1', 'job-a', { force: true });
    const reply = await device.request(topic('job-a/update'), { status: 'IN_PROGRESS' });
    expect(reply.body).toMatchObject({ code: 'ResourceNotFound' });
  });

  it('rejects describe with another executionNumber as ResourceNotFound', async () => {
    const reply = await device.request(topic('job-a/get'), { executionNumber: 7 });
    expect(reply.body).toMatchObject({ code: 'ResourceNotFound' });
  });

  it('rejects a payload that is not JSON as InvalidJson', async () => {
    await device.subscribe(topic('get/+'));
    await device.publish(topic('get'), '{not json');
    const reply = await device.waitFor((m) => m.topic === topic('get/rejected'));
    expect(reply.body).toMatchObject({ code: 'InvalidJson' });
    expect(reply.body['timestamp']).toBeTypeOf('number');
  });

  it('rejects a status the device may not set as InvalidRequest', async () => {
    const reply = await device.request(topic('job-a/update'), { status: 'CANCELED' });
    expect(reply.body).toMatchObject({ code: 'InvalidRequest' });
  });

  it('rejects statusDetails with a non-string value as InvalidRequest', async () => {
    const reply = await device.request(topic('job-a/update'), {
      status: 'IN_PROGRESS',
      statusDetails: { progress: 50 },
    });
    expect(reply.body).toMatchObject({ code: 'InvalidRequest' });
    expect(String(reply.body['message'])).toContain('progress');
  });

  it('rejects a publish to an unknown jobs topic as InvalidTopic on {topic}/rejected', async () => {
    await device.subscribe(topic('job-a/frobnicate/+'));
    await device.publish(topic('job-a/frobnicate'), {});
    const reply = await device.waitFor((m) => m.topic === topic('job-a/frobnicate/rejected'));
    expect(reply.body).toMatchObject({ code: 'InvalidTopic' });
  });
});

describe('simulator device API: replies reach only the requester', () => {
  it('does not deliver a reply to another thing subscribed to the reply topic', async () => {
    const other = await connectDevice(sim, 'thing-2');
    try {
      await other.subscribe(topic('get/+'));
      await device.request(topic('get'));
      await settle();
      expect(other.messages).toEqual([]);
    } finally {
      await other.client.endAsync(true);
    }
  });

  it('does not deliver a reply to a second client of the same thing', async () => {
    const twin = await connectDevice(sim, 'thing-1', 'thing-1-monitor');
    try {
      await twin.subscribe(jobsTopic('thing-1', '#'));
      await device.request(topic('job-a/get'));
      await settle();
      expect(twin.messages.filter((m) => m.topic.endsWith('/accepted'))).toEqual([]);
    } finally {
      await twin.client.endAsync(true);
    }
  });

  it('sends no reply to a requester that did not subscribe to it', async () => {
    await device.publish(topic('get'), { clientToken: 'unheard' });
    await settle();
    expect(device.messages).toEqual([]);
  });
});

describe('simulator device API: namespaces', () => {
  beforeEach(() => {
    sim.createJob({
      jobId: 'gg-1',
      document: { deploy: 'x' },
      targets: ['thing-1'],
      namespaceId: 'aws-gg-deployment',
    });
  });

  it('describes a namespaced job on the namespace-{ns}/get topic', async () => {
    const reply = await device.request(topic('gg-1/namespace-aws-gg-deployment/get'));
    expect(reply.topic).toBe(topic('gg-1/namespace-aws-gg-deployment/get/accepted'));
    expect(reply.body['execution']).toMatchObject({ jobId: 'gg-1', jobDocument: { deploy: 'x' } });
  });

  it('updates a namespaced job on the namespace-{ns}/update topic', async () => {
    const reply = await device.request(topic('gg-1/namespace-aws-gg-deployment/update'), {
      status: 'IN_PROGRESS',
      includeJobExecutionState: true,
    });
    expect(reply.topic).toBe(topic('gg-1/namespace-aws-gg-deployment/update/accepted'));
    expect(reply.body['executionState']).toMatchObject({ status: 'IN_PROGRESS' });
  });

  it('does not find a namespaced job through the default-namespace topic', async () => {
    const reply = await device.request(topic('gg-1/get'));
    expect(reply.body).toMatchObject({ code: 'ResourceNotFound' });
  });

  it('keeps namespaced executions out of the default get list', async () => {
    const reply = await device.request(topic('get'));
    expect((reply.body['queuedJobs'] as { jobId: string }[]).map((j) => j.jobId)).toEqual(['job-a']);
  });
});
