import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JobsAgent } from '../../../src/agent.js';
import { recordEvents, testAgentOptions, type RecordedEvent } from '../../helpers/agent.js';
import { startBroker, type TestBroker } from '../../helpers/broker.js';
import { TEST_THING_NAME } from '../../helpers/certs.js';
import { waitUntil } from '../../helpers/events.js';
import { FakeJobsService } from '../../helpers/fake-jobs-service.js';

/**
 * The broker dies (every socket cut, no DISCONNECT, no session kept) in the middle of a stream of
 * notifications, and executions are queued while the agent is offline. Nothing announced while
 * it was away may be missed: the pending list it asks for on reconnect heals the gap.
 */

const queued = (i: number) => ({
  jobId: `job-${String(i).padStart(2, '0')}`,
  status: 'QUEUED',
  queuedAt: 1_700_000_000 + i,
  lastUpdatedAt: 1_700_000_000 + i,
  versionNumber: 1,
  executionNumber: 1,
});

const addedIds = (events: readonly RecordedEvent[]): string[] =>
  events.flatMap((e) =>
    e.event === 'executionAdded' && 'execution' in e.payload && e.payload.execution
      ? [e.payload.execution.jobId]
      : [],
  );

// One broker, jobs service and agent slot per test, shared by both groups below.
let broker: TestBroker;
let service: FakeJobsService;
let agent: JobsAgent | undefined;

beforeEach(async () => {
  broker = await startBroker();
  service = new FakeJobsService(broker, TEST_THING_NAME);
});

afterEach(async () => {
  await agent?.stop();
  agent = undefined;
  await broker.close();
});

describe('broker killed and restarted mid-stream', () => {
  it('adds every execution queued before, during and after the outage exactly once', async () => {
    agent = new JobsAgent(testAgentOptions(broker));
    const events = recordEvents(agent);
    await agent.start();

    for (let i = 0; i < 10; i++) {
      const execution = queued(i);
      service.executions.set(execution.jobId, execution);
      await service.notify();
    }
    await waitUntil(() => agent?.executions().length === 10, 5_000, 'the first ten executions');

    const restarted = broker.restart();
    // Queued while the broker is down: AWS would notify, but nobody is connected to hear it.
    for (let i = 10; i < 20; i++) service.executions.set(queued(i).jobId, queued(i));
    await restarted;
    for (let i = 20; i < 25; i++) {
      service.executions.set(queued(i).jobId, queued(i));
      await service.notify();
    }

    const all = Array.from({ length: 25 }, (_, i) => queued(i).jobId);
    await waitUntil(() => addedIds(events).length >= 25, 10_000, 'an executionAdded for each of the 25');
    expect(agent.executions().map((e) => e.jobId)).toEqual(all);
    expect(addedIds(events).sort()).toEqual(all);
  });

  it('reports the drop and the reconnection as one disconnected and one more connected event', async () => {
    agent = new JobsAgent(testAgentOptions(broker));
    const events = recordEvents(agent);
    await agent.start();
    await broker.restart();
    await waitUntil(
      () => events.filter((e) => e.event === 'connected').length === 2,
      10_000,
      'the second connected event',
    );
    expect(
      events.filter((e) => e.event === 'connected' || e.event === 'disconnected').map((e) => e.event),
    ).toEqual(['connected', 'disconnected', 'connected']);
  });

  it('keeps every cached execution through repeated restarts', async () => {
    agent = new JobsAgent(testAgentOptions(broker));
    const events = recordEvents(agent);
    for (let i = 0; i < 5; i++) service.executions.set(queued(i).jobId, queued(i));
    await agent.start();
    for (let round = 0; round < 3; round++) {
      const connectedBefore = events.filter((e) => e.event === 'connected').length;
      await broker.restart();
      await waitUntil(
        () => events.filter((e) => e.event === 'connected').length > connectedBefore,
        10_000,
        `reconnection ${round + 1}`,
      );
    }
    expect(agent.executions().map((e) => e.jobId)).toEqual(
      Array.from({ length: 5 }, (_, i) => queued(i).jobId),
    );
    expect(events.some((e) => e.event === 'executionRemoved')).toBe(false);
  });
});

describe('catch-up after a reconnect when the describe of $next fails', () => {
  // Once a regression: the pending list's changes waited for the describe of $next and were lost when it failed.
  it('still emits executionAdded for what the pending list brought', async () => {
    agent = new JobsAgent(testAgentOptions(broker, { requestTimeoutMs: 300 }));
    const events = recordEvents(agent);
    await agent.start();
    service.respondWith((request) =>
      request.operation === 'describe' && request.jobId === '$next'
        ? 'ignore'
        : request.operation === 'get'
          ? {
              outcome: 'accepted',
              body: { inProgressJobs: [], queuedJobs: [queued(1)] },
            }
          : 'ignore',
    );
    await broker.restart();
    await waitUntil(() => events.some((e) => e.event === 'error'), 10_000, 'the describe timeout');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect([agent.executions().map((e) => e.jobId), addedIds(events)]).toEqual([['job-01'], ['job-01']]);
  });
});
