import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JobsAgent } from '../../../src/agent.js';
import type { AgentOptions } from '../../../src/config/schema.js';
import { nextAgentEvent, recordEvents, testAgentOptions } from '../../helpers/agent.js';
import { startBroker, type TestBroker } from '../../helpers/broker.js';
import { TEST_THING_NAME } from '../../helpers/certs.js';
import { waitUntil } from '../../helpers/events.js';
import { FakeJobsService } from '../../helpers/fake-jobs-service.js';
import {
  awsError,
  page,
  startListServer,
  type ListAnswer,
  type ListServer,
} from '../../helpers/list-server.js';

const NOTIFY_NEXT = `$aws/things/${TEST_THING_NAME}/jobs/notify-next`;

describe('JobsAgent reconcile over ListJobExecutionsForThing', () => {
  let broker: TestBroker;
  let service: FakeJobsService;
  let server: ListServer | undefined;
  const agents: JobsAgent[] = [];

  const newAgent = (endpoint: string, overrides: Partial<AgentOptions> = {}): JobsAgent => {
    const agent = new JobsAgent(
      testAgentOptions(broker, {
        reconcile: {
          endpoint,
          region: 'us-east-1',
          intervalSeconds: 3_600,
          credentials: {
            accessKeyId: 'AKIDEXAMPLE',
            secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
          },
        },
        ...overrides,
      }),
    );
    agents.push(agent);
    return agent;
  };

  beforeEach(async () => {
    broker = await startBroker();
    service = new FakeJobsService(broker, TEST_THING_NAME);
  });

  afterEach(async () => {
    await Promise.all(agents.splice(0).map((agent) => agent.stop()));
    await server?.close();
    server = undefined;
    await broker.close();
  });

  it('runs the first reconcile during start and reports it', async () => {
    server = await startListServer(() =>
      page([
        { jobId: 'missed', status: 'QUEUED', queuedAt: 1.7e9, lastUpdatedAt: 1.7e9, executionNumber: 1 },
        { jobId: 'done', status: 'SUCCEEDED', queuedAt: 1.6e9, lastUpdatedAt: 1.65e9, executionNumber: 1 },
      ]),
    );
    const agent = newAgent(server.endpoint);
    const events = recordEvents(agent);
    await agent.start();
    const added = events
      .filter((e) => e.event === 'executionAdded')
      .map((e) =>
        'execution' in e.payload && 'source' in e.payload
          ? [e.payload.execution.jobId, e.payload.source]
          : [],
      );
    expect(added).toEqual([
      ['missed', 'reconcile'],
      ['done', 'reconcile'],
    ]);
    expect(events.find((e) => e.event === 'reconciled')?.payload).toMatchObject({
      added: 2,
      updated: 0,
      removed: 0,
      total: 2,
    });
    expect(server.targets[0]).toBe(`/things/${TEST_THING_NAME}/jobs?maxResults=250`);
  });

  it('removes what a complete listing lacks and updates what changed', async () => {
    let listing: ListAnswer = page([
      { jobId: 'a', status: 'QUEUED', queuedAt: 1, lastUpdatedAt: 1, executionNumber: 1 },
      { jobId: 'b', status: 'QUEUED', queuedAt: 2, lastUpdatedAt: 2, executionNumber: 1 },
    ]);
    server = await startListServer(() => listing);
    const agent = newAgent(server.endpoint);
    await agent.start();
    listing = page([{ jobId: 'a', status: 'CANCELED', queuedAt: 1, lastUpdatedAt: 5, executionNumber: 1 }]);
    // Entries that changed in the millisecond a listing starts are kept one more round; step past it.
    await new Promise((resolve) => setTimeout(resolve, 5));
    const events = recordEvents(agent);
    const report = await agent.reconcile();
    expect(report).toMatchObject({ added: 0, updated: 1, removed: 1, total: 1 });
    expect(events.map((e) => e.event)).toEqual([
      'executionUpdated',
      'executionRemoved',
      'nextExecutionChanged',
      'reconciled',
    ]);
    expect(events[0]?.payload).toMatchObject({
      previousStatus: 'QUEUED',
      execution: { jobId: 'a', status: 'CANCELED' },
    });
    expect(events[1]?.payload).toMatchObject({ jobId: 'b' });
    expect(events[2]?.payload).toMatchObject({ execution: null });
  });

  it('removes nothing when a later page fails, and says why', async () => {
    let failSecondPage = false;
    server = await startListServer((url) => {
      if (url.searchParams.get('nextToken') === 'p2') {
        return failSecondPage
          ? awsError(403, 'AccessDeniedException', 'not allowed')
          : page([{ jobId: 'b', status: 'QUEUED', queuedAt: 2, executionNumber: 1 }]);
      }
      return page([{ jobId: 'a', status: 'QUEUED', queuedAt: 1, executionNumber: 1 }], 'p2');
    });
    const agent = newAgent(server.endpoint);
    await agent.start();
    expect(agent.executions().map((e) => e.jobId)).toEqual(['a', 'b']);
    failSecondPage = true;
    const events = recordEvents(agent);
    await expect(agent.reconcile()).rejects.toMatchObject({
      code: 'ERR_HTTP',
      errorType: 'AccessDeniedException',
    });
    expect(agent.executions().map((e) => e.jobId)).toEqual(['a', 'b']);
    expect(events.filter((e) => e.event !== 'error')).toEqual([]);
  });

  it('reports a failed background reconcile as an error event and keeps the cache', async () => {
    server = await startListServer(() => awsError(404, 'ResourceNotFoundException', 'no such thing'));
    service.executions.set('kept', {
      jobId: 'kept',
      status: 'QUEUED',
      queuedAt: 1,
      versionNumber: 1,
      executionNumber: 1,
    });
    const agent = newAgent(server.endpoint);
    const errors: string[] = [];
    agent.on('error', ({ code, message }) => errors.push(`${code} ${message}`));
    await agent.start();
    expect(errors).toEqual([expect.stringMatching(/^ERR_HTTP .*404 ResourceNotFoundException/)]);
    expect(agent.execution('kept')?.status).toBe('QUEUED');
  });

  it('never lets a listing older than a notification regress it, nor remove what arrived meanwhile', async () => {
    let release: (() => void) | undefined;
    let holdNext = false;
    server = await startListServer(async () => {
      if (holdNext) await new Promise<void>((resolve) => (release = resolve));
      return page([{ jobId: 'a', status: 'QUEUED', queuedAt: 100, lastUpdatedAt: 100, executionNumber: 1 }]);
    });
    const agent = newAgent(server.endpoint);
    await agent.start();
    holdNext = true;
    const reconciled = agent.reconcile();
    await waitUntil(() => release !== undefined);
    // While the listing is in flight: `a` starts, and a new job `b` is announced.
    await broker.publish(
      NOTIFY_NEXT,
      JSON.stringify({
        execution: {
          jobId: 'a',
          status: 'IN_PROGRESS',
          queuedAt: 100,
          lastUpdatedAt: 200,
          versionNumber: 2,
          executionNumber: 1,
        },
      }),
    );
    await broker.publish(
      `$aws/things/${TEST_THING_NAME}/jobs/notify`,
      JSON.stringify({
        jobs: {
          IN_PROGRESS: [
            { jobId: 'a', queuedAt: 100, lastUpdatedAt: 200, versionNumber: 2, executionNumber: 1 },
          ],
          QUEUED: [{ jobId: 'b', queuedAt: 150, lastUpdatedAt: 150, versionNumber: 1, executionNumber: 1 }],
        },
      }),
    );
    await waitUntil(
      () => agent.execution('b') !== undefined && agent.execution('a')?.status === 'IN_PROGRESS',
    );
    release?.();
    const report = await reconciled;
    expect(report).toMatchObject({ updated: 0, removed: 0 });
    expect(agent.execution('a')?.status).toBe('IN_PROGRESS');
    expect(agent.execution('b')?.status).toBe('QUEUED');
  });

  it('reconciles again after a reconnect', async () => {
    server = await startListServer(() => page([]));
    const agent = newAgent(server.endpoint);
    await agent.start();
    const before = server.targets.length;
    const reconciled = nextAgentEvent(agent, 'reconciled', 10_000);
    broker.dropConnections();
    await reconciled;
    expect(server.targets.length).toBe(before + 1);
  });
});

describe('the reconcile after a reconnect, with startup jitter', () => {
  it('waits a random part of startupJitterSeconds, so a fleet does not call in step', async () => {
    const broker = await startBroker();
    new FakeJobsService(broker, TEST_THING_NAME);
    const server = await startListServer(() => page([]));
    const agent = new JobsAgent(
      testAgentOptions(broker, {
        reconcile: {
          endpoint: server.endpoint,
          region: 'us-east-1',
          intervalSeconds: 3_600,
          startupJitterSeconds: 2,
          credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
        },
      }),
      { random: () => 0.5 },
    );
    try {
      const first = nextAgentEvent(agent, 'reconciled', 10_000);
      await agent.start();
      await first;
      const reconnected = nextAgentEvent(agent, 'connected', 10_000);
      const reconciled = nextAgentEvent(agent, 'reconciled', 10_000);
      broker.dropConnections();
      await reconnected;
      const connectedAt = Date.now();
      await reconciled;
      // random() = 0.5 of 2 s: about 1 s after the reconnect, not at once.
      expect(Date.now() - connectedAt).toBeGreaterThanOrEqual(900);
      const listings = server.targets.length;
      // One listing for the reconnect, not one at once and another at the drawn point. (That it
      // takes the place of a scheduled run is pinned in test/unit/reconcile/reconciler-within.)
      await new Promise((resolve) => setTimeout(resolve, 1_200));
      expect(server.targets.length).toBe(listings);
    } finally {
      await agent.stop();
      await server.close();
      await broker.close();
    }
  });
});
