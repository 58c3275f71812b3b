import { describe, expect, it } from 'vitest';
import type { Simulator, SimulatorOptions } from '../../../src/simulator/simulator.js';
import { ManualClock } from '../../helpers/manual-clock.js';
import { jobsTopic, useSimulator, type Device, type ReceivedMessage } from './sim-client.js';

const simulator = useSimulator();
const NOTIFY = jobsTopic('thing-1', 'notify');
const NOTIFY_NEXT = jobsTopic('thing-1', 'notify-next');
const topic = (rest: string): string => jobsTopic('thing-1', rest);

/** A simulator and a device of thing-1 subscribed to both notification topics. */
async function setUp(options: SimulatorOptions = {}): Promise<{ sim: Simulator; device: Device }> {
  const sim = await simulator.start(options);
  return { sim, device: await simulator.connect(sim, 'thing-1', NOTIFY, NOTIFY_NEXT) };
}

function queue(target: Simulator, ...jobIds: string[]): void {
  for (const jobId of jobIds) target.createJob({ jobId, document: { op: jobId }, targets: ['thing-1'] });
}

function listedJobIds(message: ReceivedMessage): string[] {
  const jobs = message.body['jobs'] as Record<string, { jobId: string }[]>;
  return Object.values(jobs).flatMap((list) => list.map((j) => j.jobId));
}

/** Waits for the notify that lists exactly `jobIds` (in queue order). */
function notifyListing(target: Device, jobIds: string[]): Promise<ReceivedMessage> {
  return target.waitFor(
    (m) => m.topic === NOTIFY && JSON.stringify(listedJobIds(m)) === JSON.stringify(jobIds),
  );
}

describe('simulator notifications', () => {
  it('publishes notify with the queued execution when a job is created', async () => {
    const { sim, device } = await setUp();
    queue(sim, 'job-a');
    const notify = await device.waitFor((m) => m.topic === NOTIFY);
    expect(notify.body['jobs']).toEqual({
      QUEUED: [expect.objectContaining({ jobId: 'job-a', versionNumber: 1, executionNumber: 1 })],
    });
  });

  it('publishes notify-next with the job document when the first job is created', async () => {
    const { sim, device } = await setUp();
    queue(sim, 'job-a');
    const next = await device.waitFor((m) => m.topic === NOTIFY_NEXT);
    expect(next.body['execution']).toMatchObject({
      jobId: 'job-a',
      status: 'QUEUED',
      jobDocument: { op: 'job-a' },
    });
  });

  it('does not publish notify-next when a job is queued behind the head', async () => {
    const { sim, device } = await setUp();
    queue(sim, 'job-a');
    await notifyListing(device, ['job-a']);
    queue(sim, 'job-b');
    await notifyListing(device, ['job-a', 'job-b']);
    expect(device.on(NOTIFY_NEXT).map((m) => (m.body['execution'] as { jobId: string }).jobId)).toEqual([
      'job-a',
    ]);
  });

  it('does not publish notify-next when only the head changes status or details', async () => {
    const { sim, device } = await setUp();
    queue(sim, 'job-a');
    await device.request(topic('start-next'));
    await device.request(topic('job-a/update'), {
      status: 'IN_PROGRESS',
      statusDetails: { progress: '50%' },
    });
    queue(sim, 'job-b'); // a later notify, to know the earlier ones have all arrived
    await notifyListing(device, ['job-a', 'job-b']);
    expect(device.on(NOTIFY_NEXT)).toHaveLength(1);
  });

  it('does not publish notify when only statusDetails change', async () => {
    const { sim, device } = await setUp();
    queue(sim, 'job-a');
    await device.request(topic('start-next'));
    await device.waitFor((m) => m.topic === NOTIFY && JSON.stringify(m.body['jobs']).includes('IN_PROGRESS'));
    await device.request(topic('job-a/update'), {
      status: 'IN_PROGRESS',
      statusDetails: { progress: '90%' },
    });
    queue(sim, 'job-b');
    await notifyListing(device, ['job-a', 'job-b']);
    // queued, started, job-b queued: the details-only update added none.
    expect(device.on(NOTIFY)).toHaveLength(3);
  });

  it('publishes notify-next with the following job when the head succeeds', async () => {
    const { sim, device } = await setUp();
    queue(sim, 'job-a', 'job-b');
    await device.request(topic('job-a/update'), { status: 'SUCCEEDED' });
    const next = await device.waitFor(
      (m) =>
        m.topic === NOTIFY_NEXT && (m.body['execution'] as { jobId?: string } | undefined)?.jobId === 'job-b',
    );
    expect(next.body['execution']).toMatchObject({ status: 'QUEUED', jobDocument: { op: 'job-b' } });
  });

  it('publishes notify-next without execution and an empty notify when the queue empties', async () => {
    const { sim, device } = await setUp();
    queue(sim, 'job-a');
    await device.request(topic('job-a/update'), { status: 'SUCCEEDED' });
    const next = await device.waitFor((m) => m.topic === NOTIFY_NEXT && !('execution' in m.body));
    const empty = await device.waitFor((m) => m.topic === NOTIFY && listedJobIds(m).length === 0);
    expect(next.body['timestamp']).toBeTypeOf('number');
    expect(empty.body['jobs']).toEqual({});
  });

  it('caps the notify list at the configured number of entries', async () => {
    const { sim, device } = await setUp({ jobs: { notifyListLimit: 3 } });
    queue(sim, 'job-1', 'job-2', 'job-3', 'job-4', 'job-5');
    await device.waitFor((m) => m.topic === NOTIFY && device.on(NOTIFY).length === 5);
    const last = device.on(NOTIFY).at(-1);
    expect(last && listedJobIds(last)).toEqual(['job-1', 'job-2', 'job-3']);
  });

  it('caps the notify list at 15 entries by default', async () => {
    const { sim, device } = await setUp();
    queue(sim, ...Array.from({ length: 16 }, (_, i) => `job-${String(i + 1).padStart(2, '0')}`));
    await device.waitFor((m) => m.topic === NOTIFY && device.on(NOTIFY).length === 16);
    const last = device.on(NOTIFY).at(-1);
    expect(last && listedJobIds(last)).toHaveLength(15);
  });

  it('publishes notify and notify-next when an admin cancels the head job', async () => {
    const { sim, device } = await setUp();
    queue(sim, 'job-a', 'job-b');
    await notifyListing(device, ['job-a', 'job-b']);
    sim.cancelJob('job-a');
    await notifyListing(device, ['job-b']);
    const next = await device.waitFor(
      (m) =>
        m.topic === NOTIFY_NEXT && (m.body['execution'] as { jobId?: string } | undefined)?.jobId === 'job-b',
    );
    expect(next.body['execution']).toMatchObject({ status: 'QUEUED' });
  });

  it('publishes notify when an admin force-deletes a queued execution', async () => {
    const { sim, device } = await setUp();
    queue(sim, 'job-a', 'job-b');
    await notifyListing(device, ['job-a', 'job-b']);
    sim.deleteExecution('thing-1', 'job-b', { force: true });
    await expect(notifyListing(device, ['job-a'])).resolves.toBeDefined();
  });

  it('publishes namespaced jobs on the notify-namespace and notify-next-namespace topics', async () => {
    const { sim, device } = await setUp();
    await device.subscribe(topic('notify-namespace-aws-gg-deployment'));
    await device.subscribe(topic('notify-next-namespace-aws-gg-deployment'));
    sim.createJob({ jobId: 'gg-1', document: {}, targets: ['thing-1'], namespaceId: 'aws-gg-deployment' });
    const next = await device.waitFor((m) => m.topic === topic('notify-next-namespace-aws-gg-deployment'));
    expect(next.body['execution']).toMatchObject({ jobId: 'gg-1' });
    await device.waitFor((m) => m.topic === topic('notify-namespace-aws-gg-deployment'));
    expect(device.on(NOTIFY)).toEqual([]);
  });
});

describe('simulator step timeouts', () => {
  it('moves an execution to TIMED_OUT when its step timer passes', async () => {
    const clock = new ManualClock(Date.now());
    const { sim, device } = await setUp({ clock });
    queue(sim, 'job-a');
    await device.request(topic('start-next'), { stepTimeoutInMinutes: 1 });
    clock.advance(60_000);
    await device.waitFor((m) => m.topic === NOTIFY && listedJobIds(m).length === 0);
    expect(sim.executions('thing-1')[0]).toMatchObject({ status: 'TIMED_OUT', versionNumber: 3 });
  });

  it('does not time out before the step timer passes', async () => {
    const clock = new ManualClock(Date.now());
    const { sim, device } = await setUp({ clock });
    queue(sim, 'job-a');
    await device.request(topic('start-next'), { stepTimeoutInMinutes: 1 });
    clock.advance(59_000);
    expect(sim.executions('thing-1')[0]?.status).toBe('IN_PROGRESS');
  });

  it('restarts the step timer when an IN_PROGRESS update gives a new stepTimeoutInMinutes', async () => {
    const clock = new ManualClock(Date.now());
    const { sim, device } = await setUp({ clock });
    queue(sim, 'job-a');
    await device.request(topic('start-next'), { stepTimeoutInMinutes: 1 });
    clock.advance(50_000);
    await device.request(topic('job-a/update'), { status: 'IN_PROGRESS', stepTimeoutInMinutes: 2 });
    clock.advance(60_000);
    expect(sim.executions('thing-1')[0]?.status).toBe('IN_PROGRESS');
  });

  it('reports approximateSecondsBeforeTimedOut on describe while the timer runs', async () => {
    const clock = new ManualClock(Date.now());
    const { sim, device } = await setUp({ clock });
    queue(sim, 'job-a');
    await device.request(topic('start-next'), { stepTimeoutInMinutes: 2 });
    clock.advance(30_000);
    const reply = await device.request(topic('job-a/get'));
    expect(reply.body['execution']).toMatchObject({ approximateSecondsBeforeTimedOut: 90 });
  });

  it('times out on the job-level in-progress timer', async () => {
    const clock = new ManualClock(Date.now());
    const { sim, device } = await setUp({ clock });
    sim.createJob({ jobId: 'job-t', document: {}, targets: ['thing-1'], inProgressTimeoutInMinutes: 5 });
    await device.request(topic('job-t/update'), { status: 'IN_PROGRESS' });
    clock.advance(5 * 60_000);
    expect(sim.executions('thing-1')[0]?.status).toBe('TIMED_OUT');
  });
});
