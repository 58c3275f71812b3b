import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TimeoutError } from '../../../src/errors.js';
import type { Simulator } from '../../../src/simulator/simulator.js';
import { waitUntil } from '../../helpers/events.js';
import { ManualClock } from '../../helpers/manual-clock.js';
import type { JobsAgent } from '../../../src/agent.js';
import {
  AgentPool,
  THING,
  deferred,
  record,
  recordRequests,
  simulatorAgentOptions,
  startTestSimulator,
  testDirectory,
  updatesOf,
  waitForEvent,
} from './harness.js';

/**
 * The agent and the simulator share a ManualClock: step timers on both sides run out exactly
 * when the test moves time, and nothing else times out meanwhile.
 */
describe('the step watchdog', () => {
  const dir = testDirectory();
  const agents = new AgentPool();
  let sim: Simulator;
  let clock: ManualClock;

  beforeEach(async () => {
    clock = new ManualClock(Date.now());
    sim = await startTestSimulator(dir.path, { clock });
  });
  afterEach(async () => {
    await agents.stopAll();
    await sim.close();
  });
  afterAll(() => {
    dir.remove();
  });

  const simExecution = (jobId: string) => sim.executions(THING).find((e) => e.jobId === jobId);

  async function startWaitingHandler(
    agent: JobsAgent,
    onStart: (progress: (minutes: number) => void) => void,
  ) {
    const aborted = deferred<unknown>();
    agent.handle(
      'slow',
      async ({ signal, progress }) => {
        onStart((minutes) => {
          progress({ step: `extended-${minutes}` }, { stepTimeoutInMinutes: minutes });
        });
        await new Promise<void>((resolve) =>
          signal.addEventListener('abort', () => resolve(), { once: true }),
        );
        aborted.resolve(signal.reason);
        return { statusDetails: { too: 'late' } };
      },
      { stepTimeoutInMinutes: 1 },
    );
    await agent.start();
    return aborted.promise;
  }

  it('aborts the handler when the step timeout runs out, and sends no terminal status', async () => {
    const agent = agents.create(simulatorAgentOptions(sim), { clock });
    const events = record(agent);
    const requests = recordRequests(sim);
    const abortReason = startWaitingHandler(agent, () => undefined);
    sim.createJob({ jobId: 'hang', document: { operation: 'slow' }, targets: [THING] });
    await waitForEvent(agent, 'jobStarted');
    await waitUntil(() => simExecution('hang')?.timesOutAtMs !== undefined, 5_000, 'the step timer');
    const timedOut = waitForEvent(agent, 'jobTimedOut');
    clock.advance(59_999);
    expect(events.some((e) => e.event === 'jobTimedOut')).toBe(false);
    clock.advance(1);
    expect(await timedOut).toMatchObject({ jobId: 'hang', operation: 'slow', detectedBy: 'watchdog' });
    expect(await abortReason).toBeInstanceOf(TimeoutError);
    // The service's own step timer ran out at the same moment.
    expect(simExecution('hang')?.status).toBe('TIMED_OUT');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(updatesOf(requests, 'hang').map((r) => r.body['status'])).toEqual(['IN_PROGRESS']);
    expect(simExecution('hang')?.status).toBe('TIMED_OUT');
  });

  it('moves the deadline when progress asks for a new step timeout', async () => {
    const agent = agents.create(simulatorAgentOptions(sim), { clock });
    const events = record(agent);
    let extend: (minutes: number) => void = () => undefined;
    const abortReason = startWaitingHandler(agent, (progress) => {
      extend = progress;
    });
    sim.createJob({ jobId: 'extend', document: { operation: 'slow' }, targets: [THING] });
    await waitForEvent(agent, 'jobStarted');
    clock.advance(30_000);
    extend(2);
    await waitUntil(() => agent.pendingUpdates().length === 0, 5_000, 'the progress update delivered');
    expect(simExecution('extend')?.statusDetails).toEqual({ step: 'extended-2' });
    clock.advance(60_000); // past the first deadline
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(events.some((e) => e.event === 'jobTimedOut')).toBe(false);
    expect(simExecution('extend')?.status).toBe('IN_PROGRESS');
    const timedOut = waitForEvent(agent, 'jobTimedOut');
    clock.advance(60_000); // two minutes after the progress update
    expect(await timedOut).toMatchObject({ jobId: 'extend', detectedBy: 'watchdog' });
    expect(await abortReason).toBeInstanceOf(TimeoutError);
  });
});
