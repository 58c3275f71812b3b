import { readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { connectAsync } from 'mqtt';
import { describe, expect, it } from 'vitest';
import type { Simulator } from '../../../src/simulator/simulator.js';
import { ManualClock } from '../../helpers/manual-clock.js';
import { jobsTopic, useSimulator, type Device, type ReceivedMessage } from './sim-client.js';

const simulator = useSimulator();
const NOTIFY = jobsTopic('thing-1', 'notify');
const NOTIFY_NEXT = jobsTopic('thing-1', 'notify-next');
const topic = (rest: string): string => jobsTopic('thing-1', rest);

/** A simulator and a device of thing-1 subscribed to both notification topics. */
async function setUp(clock?: ManualClock): Promise<{ sim: Simulator; device: Device }> {
  const sim = await simulator.start(clock ? { clock } : {});
  return { sim, device: await simulator.connect(sim, 'thing-1', NOTIFY, NOTIFY_NEXT) };
}

function admin(target: Simulator, method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${target.httpEndpoint}/admin${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
}

const jobIdsOf = (m: ReceivedMessage): string[] =>
  Object.values(m.body['jobs'] as Record<string, { jobId: string }[]>).flatMap((l) => l.map((j) => j.jobId));

describe('simulator admin HTTP API', () => {
  it('creates a job whose execution the device is notified of', async () => {
    const { sim, device } = await setUp();
    const response = await admin(sim, 'POST', '/jobs', {
      jobId: 'job-a',
      document: { op: 'x' },
      targets: ['thing-1'],
    });
    expect(response.status).toBe(201);
    const next = await device.waitFor((m) => m.topic === NOTIFY_NEXT);
    expect(next.body['execution']).toMatchObject({ jobId: 'job-a', jobDocument: { op: 'x' } });
  });

  it('refuses a job id that already exists with 409 ResourceAlreadyExistsException', async () => {
    const { sim } = await setUp();
    await admin(sim, 'POST', '/jobs', { jobId: 'job-a', document: {}, targets: ['thing-1'] });
    const again = await admin(sim, 'POST', '/jobs', { jobId: 'job-a', document: {}, targets: ['thing-1'] });
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ __type: 'ResourceAlreadyExistsException' });
  });

  it('cancels a job, notifying the device of the emptied queue', async () => {
    const { sim, device } = await setUp();
    sim.createJob({ jobId: 'job-a', document: {}, targets: ['thing-1'] });
    await device.waitFor((m) => m.topic === NOTIFY);
    const response = await admin(sim, 'POST', '/jobs/job-a/cancel', {});
    expect(response.status).toBe(200);
    await device.waitFor((m) => m.topic === NOTIFY && jobIdsOf(m).length === 0);
    expect(sim.executions('thing-1')[0]?.status).toBe('CANCELED');
  });

  it('leaves an IN_PROGRESS execution running on cancel without force', async () => {
    const { sim, device } = await setUp();
    sim.createJob({ jobId: 'job-a', document: {}, targets: ['thing-1'] });
    await device.request(topic('start-next'));
    await admin(sim, 'POST', '/jobs/job-a/cancel', {});
    expect(sim.executions('thing-1')[0]?.status).toBe('IN_PROGRESS');
  });

  it('refuses to delete a pending execution without force with 409', async () => {
    const { sim } = await setUp();
    sim.createJob({ jobId: 'job-a', document: {}, targets: ['thing-1'] });
    const response = await admin(sim, 'DELETE', '/things/thing-1/jobs/job-a');
    expect(response.status).toBe(409);
    expect(response.headers.get('x-amzn-errortype')).toBe('InvalidStateTransitionException');
  });

  it('deletes an execution with force', async () => {
    const { sim } = await setUp();
    sim.createJob({ jobId: 'job-a', document: {}, targets: ['thing-1'] });
    const response = await admin(sim, 'DELETE', '/things/thing-1/jobs/job-a?force=true');
    expect(response.status).toBe(200);
    expect(sim.executions('thing-1')).toEqual([]);
  });

  it('reports things, jobs and executions on GET /admin/state', async () => {
    const { sim } = await setUp();
    sim.createJob({ jobId: 'job-a', document: {}, targets: ['thing-1', 'thing-2'] });
    const state = (await (await admin(sim, 'GET', '/state')).json()) as Record<string, unknown[]>;
    expect(state['things']).toEqual(['thing-1', 'thing-2']);
    expect(state['jobs']).toHaveLength(1);
    expect(state['executions']).toHaveLength(2);
  });

  it('refuses an invalid create body with 400 InvalidRequestException', async () => {
    const { sim } = await setUp();
    const response = await admin(sim, 'POST', '/jobs', {
      jobId: 'bad id',
      document: {},
      targets: ['thing-1'],
    });
    expect(response.status).toBe(400);
  });

  it('plans faults through POST /admin/faults', async () => {
    const { sim } = await setUp();
    const response = await admin(sim, 'POST', '/faults', {
      failRequests: { count: 2, code: 'InternalError' },
    });
    expect(await response.json()).toMatchObject({ failRequests: 2, failRequestsCode: 'InternalError' });
  });
});

describe('simulator MQTT fault injection', () => {
  it('drops the next notification', async () => {
    const { sim, device } = await setUp();
    sim.faults.dropNotifications(1);
    sim.createJob({ jobId: 'job-a', document: {}, targets: ['thing-1'] });
    sim.createJob({ jobId: 'job-b', document: {}, targets: ['thing-1'] });
    await device.waitFor((m) => m.topic === NOTIFY && jobIdsOf(m).includes('job-b'));
    // job-a's notify was dropped; its notify-next and job-b's notify went out.
    expect(device.on(NOTIFY).map(jobIdsOf)).toEqual([['job-a', 'job-b']]);
    expect(device.on(NOTIFY_NEXT)).toHaveLength(1);
  });

  it('delays notifications by the planned time on the simulator clock', async () => {
    const clock = new ManualClock(Date.now());
    const { sim, device } = await setUp(clock);
    sim.faults.delayNotifications(5_000);
    sim.createJob({ jobId: 'job-a', document: {}, targets: ['thing-1'] });
    await device.request(topic('get')); // a round trip: an undelayed notify would have arrived by now
    expect(device.on(NOTIFY)).toEqual([]);
    clock.advance(5_000);
    await expect(device.waitFor((m) => m.topic === NOTIFY)).resolves.toBeDefined();
  });

  it('rejects the next request with RequestThrottled and changes nothing', async () => {
    const { sim, device } = await setUp();
    sim.createJob({ jobId: 'job-a', document: {}, targets: ['thing-1'] });
    sim.faults.failRequests(1);
    const throttled = await device.request(topic('start-next'), { clientToken: 't-1' });
    const retried = await device.request(topic('start-next'));
    expect(throttled.body).toMatchObject({ code: 'RequestThrottled', clientToken: 't-1' });
    expect(throttled.topic).toBe(topic('start-next/rejected'));
    expect(retried.body['execution']).toMatchObject({ jobId: 'job-a', versionNumber: 2 });
  });
});

describe('simulator state folder and mutual TLS', () => {
  it('keeps private keys 0600 and the folder 0700', async () => {
    const { sim } = await setUp();
    const { keyFile } = sim.certificatePaths.deviceCertificate('thing-1');
    expect((await stat(keyFile)).mode & 0o777).toBe(0o600);
    expect((await stat(sim.stateDir)).mode & 0o777).toBe(0o700);
  });

  it('reuses the CA and credentials on the next start', async () => {
    const { sim: first } = await setUp();
    const ca = readFileSync(first.certificatePaths.ca, 'utf8');
    const credentials = first.credentials;
    await first.close();
    const sim = await simulator.start();
    expect(sim.firstRun).toBe(false);
    expect(readFileSync(sim.certificatePaths.ca, 'utf8')).toBe(ca);
    expect(sim.credentials).toEqual(credentials);
  });

  it('refuses an MQTT client without a certificate', async () => {
    const { sim } = await setUp();
    const attempt = connectAsync(sim.mqttUrl, {
      ca: readFileSync(sim.certificatePaths.ca),
      reconnectPeriod: 0,
      connectTimeout: 3_000,
    });
    await expect(attempt).rejects.toThrow();
  });
});
