import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Simulator } from '../../../src/simulator/simulator.js';
import { waitUntil } from '../../helpers/events.js';
import {
  AgentPool,
  THING,
  deferred,
  recordRequests,
  simulatorAgentOptions,
  startTestSimulator,
  testDirectory,
  updatesOf,
  waitForEvent,
} from './harness.js';
import { startLink, type CuttableLink } from './proxy.js';

describe('the durable outbox', () => {
  const dir = testDirectory();
  const agents = new AgentPool();
  let sim: Simulator;
  let link: CuttableLink;
  let stateFile: string;
  let testNumber = 0;

  beforeEach(async () => {
    sim = await startTestSimulator(dir.path);
    link = await startLink(Number(new URL(sim.mqttUrl).port));
    stateFile = join(dir.path, `outbox-${String(++testNumber)}`, 'jobs.json');
  });
  afterEach(async () => {
    await agents.stopAll();
    await link.close();
    await sim.close();
  });
  afterAll(() => {
    dir.remove();
  });

  const options = () => {
    const base = simulatorAgentOptions(sim, { stateFile });
    return { ...base, mqtt: { ...base.mqtt, url: `mqtts://localhost:${String(link.port)}` } };
  };
  const simExecution = (jobId: string) => sim.executions(THING).find((e) => e.jobId === jobId);
  const outboxOnDisk = (): unknown[] => {
    const path = join(dir.path, `outbox-${String(testNumber)}`, 'jobs.lifecycle.json');
    try {
      return (JSON.parse(readFileSync(path, 'utf8')) as { outbox: unknown[] }).outbox;
    } catch {
      return [];
    }
  };

  it('delivers updates made while the broker was down, in order, once it is back', async () => {
    const agent = agents.create(options());
    const requests = recordRequests(sim);
    sim.createJob({ jobId: 'offline', document: { operation: 'x' }, targets: [THING] });
    await agent.start();
    const disconnected = waitForEvent(agent, 'disconnected');
    await link.cut();
    await disconnected;

    const updates = [
      agent.update('offline', 'IN_PROGRESS', { statusDetails: { step: '1' } }),
      agent.update('offline', 'IN_PROGRESS', { statusDetails: { step: '2' } }),
      agent.update('offline', 'SUCCEEDED', { statusDetails: { result: 'ok' } }),
    ];
    expect(agent.execution('offline')).toMatchObject({
      status: 'SUCCEEDED',
      statusDetails: { result: 'ok' },
    });
    await waitUntil(() => outboxOnDisk().length === 3, 5_000, 'three updates on disk');
    const lifecycleFile = join(dir.path, `outbox-${String(testNumber)}`, 'jobs.lifecycle.json');
    expect(statSync(lifecycleFile).mode & 0o777).toBe(0o600);
    expect(updatesOf(requests, 'offline')).toEqual([]);

    await link.restore();
    const results = await Promise.all(updates);
    expect(results.map((e) => e.status)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
    expect(updatesOf(requests, 'offline').map((r) => [r.body['status'], r.body['expectedVersion']])).toEqual([
      ['IN_PROGRESS', 1],
      ['IN_PROGRESS', 2],
      ['SUCCEEDED', 3],
    ]);
    expect(simExecution('offline')).toMatchObject({
      status: 'SUCCEEDED',
      versionNumber: 4,
      statusDetails: { result: 'ok' },
    });
    await waitUntil(() => outboxOnDisk().length === 0, 5_000, 'an empty outbox on disk');
  });

  it('keeps a terminal status made offline across a restart and delivers it from the next agent', async () => {
    const first = agents.create(options());
    const release = deferred();
    first.handle('work', async () => {
      await release.promise;
      return { statusDetails: { done: 'offline' } };
    });
    await first.start();
    sim.createJob({ jobId: 'finish-offline', document: { operation: 'work' }, targets: [THING] });
    await waitForEvent(first, 'jobStarted');
    await link.cut();
    const succeeded = waitForEvent(first, 'jobSucceeded');
    release.resolve();
    await succeeded;
    await waitUntil(() => outboxOnDisk().length === 1, 5_000, 'the terminal status on disk');
    await first.stop();
    expect(simExecution('finish-offline')?.status).toBe('IN_PROGRESS');

    await link.restore();
    const second = agents.create(options());
    let calls = 0;
    second.handle('work', () => {
      calls += 1;
    });
    await second.start();
    expect(second.execution('finish-offline')?.status).toBe('SUCCEEDED');
    await waitUntil(
      () => simExecution('finish-offline')?.status === 'SUCCEEDED',
      5_000,
      'SUCCEEDED delivered',
    );
    expect(simExecution('finish-offline')?.statusDetails).toEqual({ done: 'offline' });
    expect(calls).toBe(0);
  });
});
