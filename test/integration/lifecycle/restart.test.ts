import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ClosedError } from '../../../src/errors.js';
import type { Simulator } from '../../../src/simulator/simulator.js';
import { waitUntil } from '../../helpers/events.js';
import type { Checkpoint } from '../../../src/lifecycle/types.js';
import {
  AgentPool,
  THING,
  record,
  recordRequests,
  simulatorAgentOptions,
  startTestSimulator,
  testDirectory,
  updatesOf,
  waitForEvent,
} from './harness.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CRASH_AGENT = fileURLToPath(new URL('./crash-agent.ts', import.meta.url));

describe('an agent killed mid-job and restarted on the same state file', () => {
  const dir = testDirectory();
  const agents = new AgentPool();
  let sim: Simulator;
  let child: ChildProcess | undefined;
  let stateFile: string;
  let testNumber = 0;

  beforeEach(async () => {
    sim = await startTestSimulator(dir.path);
    stateFile = join(dir.path, `state-${String(++testNumber)}`, 'jobs.json');
  });
  afterEach(async () => {
    child?.kill('SIGKILL');
    child = undefined;
    await agents.stopAll();
    await sim.close();
  });
  afterAll(() => {
    dir.remove();
  });

  const lifecyclePath = () => join(dir.path, `state-${String(testNumber)}`, 'jobs.lifecycle.json');
  const simExecution = (jobId: string) => sim.executions(THING).find((e) => e.jobId === jobId);

  /** Runs crash-agent.ts until it has checkpointed the job, then kills it with SIGKILL. */
  async function crashMidJob(): Promise<void> {
    const options = simulatorAgentOptions(sim, { stateFile });
    const process_ = spawn(process.execPath, ['--import', 'tsx', CRASH_AGENT, JSON.stringify({ options })], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = process_;
    let stdout = '';
    process_.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    await waitUntil(() => stdout.includes('started'), 15_000, 'the child agent to start');
    sim.createJob({ jobId: 'fw', document: { operation: 'flash', image: 'v2' }, targets: [THING] });
    await waitUntil(() => stdout.includes('checkpointed'), 10_000, 'the checkpoint');
    process_.kill('SIGKILL');
    await once(process_, 'exit');
    child = undefined;
  }

  it('keeps the checkpoint in an owner-only state file', async () => {
    await crashMidJob();
    const path = lifecyclePath();
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const state = JSON.parse(readFileSync(path, 'utf8')) as {
      runs: { jobId: string; phase: string; checkpoint: unknown }[];
    };
    expect(state.runs).toEqual([
      expect.objectContaining({ jobId: 'fw', phase: 'running', checkpoint: { blocksWritten: 3 } }),
    ]);
    expect(simExecution('fw')?.status).toBe('IN_PROGRESS');
  });

  it('resumes the interrupted execution with its checkpoint', async () => {
    await crashMidJob();
    const agent = agents.create(simulatorAgentOptions(sim, { stateFile }));
    const calls: { resuming: boolean; checkpoint: Checkpoint | undefined }[] = [];
    agent.handle(
      'flash',
      ({ resuming, checkpoint }) => {
        calls.push({ resuming, checkpoint });
        return { statusDetails: { resumedFrom: '3' } };
      },
      { resumable: true },
    );
    const started = waitForEvent(agent, 'jobStarted');
    await agent.start();
    expect(await started).toMatchObject({ jobId: 'fw', resuming: true });
    await waitUntil(() => simExecution('fw')?.status === 'SUCCEEDED', 5_000, 'SUCCEEDED');
    expect(calls).toEqual([{ resuming: true, checkpoint: { blocksWritten: 3 } }]);
    expect(simExecution('fw')?.statusDetails).toEqual({ resumedFrom: '3' });
  });

  it('reports an interrupted execution FAILED when its handler cannot resume, never re-running it', async () => {
    await crashMidJob();
    const agent = agents.create(simulatorAgentOptions(sim, { stateFile }));
    const events = record(agent);
    const requests = recordRequests(sim);
    let calls = 0;
    agent.handle('flash', () => {
      calls += 1;
    });
    const failed = waitForEvent(agent, 'jobFailed');
    await agent.start();
    expect(await failed).toMatchObject({ jobId: 'fw', interrupted: true });
    await waitUntil(() => simExecution('fw')?.status === 'FAILED', 5_000, 'FAILED');
    expect(simExecution('fw')?.statusDetails?.['reason']).toMatch(/interrupted by an agent restart/);
    expect(calls).toBe(0);
    expect(events.some((e) => e.event === 'jobStarted')).toBe(false);
    // Besides FAILED, only a replay of the killed agent's last progress (its outbox entry may
    // have been delivered without the delivery being recorded): never a new claim.
    const sent = updatesOf(requests, 'fw').map((r) => r.body);
    expect(sent.filter((body) => body['status'] === 'FAILED')).toHaveLength(1);
    for (const body of sent.filter((b) => b['status'] === 'IN_PROGRESS')) {
      expect(body['statusDetails']).toEqual({ block: '3' });
    }
  });

  it('does not run a finished execution again after a restart', async () => {
    const options = simulatorAgentOptions(sim, { stateFile });
    const first = agents.create(options);
    let calls = 0;
    first.handle('flash', () => {
      calls += 1;
    });
    await first.start();
    sim.createJob({ jobId: 'once', document: { operation: 'flash' }, targets: [THING] });
    await waitUntil(() => simExecution('once')?.status === 'SUCCEEDED', 5_000, 'SUCCEEDED');
    await first.stop();
    const second = agents.create(options);
    second.handle('flash', () => {
      calls += 1;
    });
    await second.start();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(calls).toBe(1);
  });

  it('aborts a running handler on stop and resumes it in the next agent', async () => {
    const options = simulatorAgentOptions(sim, { stateFile });
    const first = agents.create(options);
    let firstReason: unknown;
    first.handle(
      'flash',
      async ({ signal, saveCheckpoint }) => {
        await saveCheckpoint({ blocksWritten: 1 });
        await new Promise<void>((resolve) =>
          signal.addEventListener('abort', () => resolve(), { once: true }),
        );
        firstReason = signal.reason;
        throw signal.reason;
      },
      { resumable: true },
    );
    await first.start();
    sim.createJob({ jobId: 'graceful', document: { operation: 'flash' }, targets: [THING] });
    await waitForEvent(first, 'jobStarted');
    await waitUntil(
      () => readFileSync(lifecyclePath(), 'utf8').includes('blocksWritten'),
      5_000,
      'the checkpoint',
    );
    await first.stop();
    expect(firstReason).toBeInstanceOf(ClosedError);
    expect(simExecution('graceful')?.status).toBe('IN_PROGRESS');

    const second = agents.create(options);
    const seen: unknown[] = [];
    second.handle(
      'flash',
      ({ resuming, checkpoint }) => {
        seen.push({ resuming, checkpoint });
      },
      { resumable: true },
    );
    await second.start();
    await waitUntil(() => simExecution('graceful')?.status === 'SUCCEEDED', 5_000, 'SUCCEEDED');
    expect(seen).toEqual([{ resuming: true, checkpoint: { blocksWritten: 1 } }]);
  });

  it('delivers a status queued just before stop() before disconnecting', async () => {
    const agent = agents.create(simulatorAgentOptions(sim, { stateFile }));
    agent.handle('flash', () => ({ statusDetails: { quick: 'yes' } }));
    await agent.start();
    const succeeded = waitForEvent(agent, 'jobSucceeded');
    sim.createJob({ jobId: 'quick', document: { operation: 'flash' }, targets: [THING] });
    await succeeded;
    await agent.stop();
    expect(simExecution('quick')).toMatchObject({ status: 'SUCCEEDED', statusDetails: { quick: 'yes' } });
  });
});
