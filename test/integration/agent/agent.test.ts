import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JobsAgent } from '../../../src/agent.js';
import { ConfigError, ConnectError } from '../../../src/errors.js';
import { startBroker, type TestBroker } from '../../helpers/broker.js';
import { TEST_THING_NAME, testCerts } from '../../helpers/certs.js';
import { waitUntil } from '../../helpers/events.js';
import { FakeJobsService } from '../../helpers/fake-jobs-service.js';
import { nextAgentEvent, recordEvents, testAgentOptions } from '../../helpers/agent.js';

const NOTIFY = `$aws/things/${TEST_THING_NAME}/jobs/notify`;
const NOTIFY_NEXT = `$aws/things/${TEST_THING_NAME}/jobs/notify-next`;

describe('JobsAgent over mutual TLS', () => {
  let broker: TestBroker;
  let service: FakeJobsService;
  const agents: JobsAgent[] = [];

  const newAgent = (overrides = {}): JobsAgent => {
    const agent = new JobsAgent(testAgentOptions(broker, overrides));
    agents.push(agent);
    return agent;
  };

  beforeEach(async () => {
    broker = await startBroker();
    service = new FakeJobsService(broker, TEST_THING_NAME);
  });

  afterEach(async () => {
    await Promise.all(agents.splice(0).map((agent) => agent.stop()));
    await broker.close();
  });

  it('emits connected once subscribed, so a notification published right after it arrives', async () => {
    const agent = newAgent();
    const connected = nextAgentEvent(agent, 'connected');
    await agent.start();
    const event = await connected;
    expect(event.sessionPresent).toBe(false);
    const added = nextAgentEvent(agent, 'executionAdded');
    await broker.publish(
      NOTIFY_NEXT,
      JSON.stringify({
        timestamp: 10,
        execution: {
          jobId: 'j1',
          status: 'QUEUED',
          queuedAt: 5,
          versionNumber: 1,
          executionNumber: 1,
          jobDocument: { operation: 'reboot' },
        },
      }),
    );
    const { execution, source } = await added;
    expect(execution).toMatchObject({ jobId: 'j1', status: 'QUEUED', jobDocument: { operation: 'reboot' } });
    expect(source).toBe('notify-next');
    expect(broker.peers).toContain(TEST_THING_NAME);
  });

  it('loads the pending executions on connect', async () => {
    service.executions.set('j1', {
      jobId: 'j1',
      status: 'IN_PROGRESS',
      queuedAt: 1,
      versionNumber: 2,
      executionNumber: 1,
    });
    service.executions.set('j2', {
      jobId: 'j2',
      status: 'QUEUED',
      queuedAt: 2,
      versionNumber: 1,
      executionNumber: 1,
    });
    const agent = newAgent();
    await agent.start();
    expect(agent.executions().map((e) => [e.jobId, e.status])).toEqual([
      ['j1', 'IN_PROGRESS'],
      ['j2', 'QUEUED'],
    ]);
    expect(agent.nextExecution()?.jobId).toBe('j1');
  });

  it('refuses a client certificate from a rogue CA within a bounded time', async () => {
    const certs = testCerts();
    const agent = newAgent({
      mqtt: {
        url: broker.url,
        ca: certs.ca.cert,
        cert: certs.rogueDevice.cert,
        key: certs.rogueDevice.key,
        connectTimeoutMs: 2_000,
      },
    });
    const started = Date.now();
    await expect(agent.start()).rejects.toBeInstanceOf(ConnectError);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(agent.state).toBe('stopped');
  });

  it('rejects a missing certificate file at construction, naming the field', () => {
    expect(() =>
      newAgent({
        mqtt: { url: broker.url, certFile: '/nonexistent/device.pem', keyFile: '/nonexistent/key' },
      }),
    ).toThrow(/mqtt\.certFile: cannot read \/nonexistent\/device\.pem/);
    expect(() => newAgent({ thingName: 'bad/thing' })).toThrow(ConfigError);
  });

  it('turns notify into added and updated events, one per real change', async () => {
    const agent = newAgent();
    const events = recordEvents(agent);
    await agent.start();
    const notify = (jobs: Record<string, unknown[]>) =>
      broker.publish(NOTIFY, JSON.stringify({ timestamp: 20, jobs }));
    await notify({
      QUEUED: [{ jobId: 'a', queuedAt: 1, lastUpdatedAt: 1, versionNumber: 1, executionNumber: 1 }],
    });
    await notify({
      QUEUED: [{ jobId: 'a', queuedAt: 1, lastUpdatedAt: 1, versionNumber: 1, executionNumber: 1 }],
    });
    await notify({
      IN_PROGRESS: [
        { jobId: 'a', queuedAt: 1, lastUpdatedAt: 3, startedAt: 3, versionNumber: 2, executionNumber: 1 },
      ],
    });
    await waitUntil(() => events.some((e) => e.event === 'executionUpdated'));
    const changes = events.filter((e) => e.event === 'executionAdded' || e.event === 'executionUpdated');
    expect(changes.map((e) => e.event)).toEqual(['executionAdded', 'executionUpdated']);
    expect(changes[1]?.payload).toMatchObject({
      previousStatus: 'QUEUED',
      execution: { status: 'IN_PROGRESS', startedAt: 3 },
    });
  });

  it('confirms an execution a notify no longer lists by describing it', async () => {
    const agent = newAgent();
    await agent.start();
    await broker.publish(
      NOTIFY,
      JSON.stringify({
        jobs: { QUEUED: [{ jobId: 'a', queuedAt: 1, versionNumber: 1, executionNumber: 1 }] },
      }),
    );
    await waitUntil(() => agent.execution('a') !== undefined);
    service.executions.set('a', {
      jobId: 'a',
      status: 'SUCCEEDED',
      queuedAt: 1,
      versionNumber: 3,
      executionNumber: 1,
    });
    const updated = nextAgentEvent(agent, 'executionUpdated');
    await broker.publish(NOTIFY, JSON.stringify({ jobs: {} }));
    const event = await updated;
    expect(event).toMatchObject({
      source: 'describe',
      previousStatus: 'QUEUED',
      execution: { jobId: 'a', status: 'SUCCEEDED' },
    });
  });

  it('ignores messages about another thing', async () => {
    const agent = newAgent();
    const events = recordEvents(agent);
    await agent.start();
    await broker.publish(
      '$aws/things/other-thing/jobs/notify-next',
      JSON.stringify({ execution: { jobId: 'x', status: 'QUEUED' } }),
    );
    await broker.publish(
      NOTIFY_NEXT,
      JSON.stringify({ execution: { jobId: 'mine', status: 'QUEUED', queuedAt: 1 } }),
    );
    await waitUntil(() => agent.execution('mine') !== undefined);
    expect(agent.execution('x')).toBeUndefined();
    expect(events.filter((e) => e.event === 'error')).toEqual([]);
  });

  it('reports malformed JSON, wrong shapes and oversized payloads, then keeps working', async () => {
    const agent = newAgent({ maxPayloadBytes: 2_048 });
    const errors: string[] = [];
    agent.on('error', ({ code, message }) => errors.push(`${code} ${message}`));
    await agent.start();
    await broker.publish(NOTIFY_NEXT, '{not json');
    await broker.publish(NOTIFY, JSON.stringify({ jobs: { QUEUED: [{ queuedAt: 'yesterday' }] } }));
    await broker.publish(
      NOTIFY_NEXT,
      JSON.stringify({
        execution: { jobId: 'big', status: 'QUEUED', jobDocument: { blob: 'x'.repeat(4_096) } },
      }),
    );
    await broker.publish(
      NOTIFY_NEXT,
      JSON.stringify({ execution: { jobId: 'fine', status: 'QUEUED', queuedAt: 1 } }),
    );
    await waitUntil(() => agent.execution('fine') !== undefined);
    expect(errors).toHaveLength(3);
    expect(errors.every((e) => e.startsWith('ERR_PROTOCOL'))).toBe(true);
    expect(errors[2]).toMatch(/exceeds maxPayloadBytes/);
    expect(agent.execution('big')).toBeUndefined();
  });

  it('keeps going when a listener throws', async () => {
    const agent = newAgent();
    const errors: string[] = [];
    agent.on('error', ({ code }) => errors.push(code));
    agent.on('executionAdded', () => {
      throw new Error('listener bug');
    });
    await agent.start();
    await broker.publish(
      NOTIFY_NEXT,
      JSON.stringify({ execution: { jobId: 'a', status: 'QUEUED', queuedAt: 1 } }),
    );
    await broker.publish(
      NOTIFY_NEXT,
      JSON.stringify({ execution: { jobId: 'b', status: 'QUEUED', queuedAt: 0 } }),
    );
    await waitUntil(() => agent.execution('b') !== undefined);
    expect(errors).toEqual(['ERR_LISTENER', 'ERR_LISTENER']);
  });

  it('reconnects with backoff after a network drop, resubscribes, and events flow again', async () => {
    const agent = newAgent();
    const events = recordEvents(agent);
    await agent.start();
    const reconnected = nextAgentEvent(agent, 'connected', 10_000);
    await broker.restart();
    await reconnected;
    expect(events.map((e) => e.event)).toContain('disconnected');
    const added = nextAgentEvent(agent, 'executionAdded');
    await broker.publish(
      NOTIFY_NEXT,
      JSON.stringify({ execution: { jobId: 'after', status: 'QUEUED', queuedAt: 1 } }),
    );
    await added;
    expect(agent.execution('after')?.status).toBe('QUEUED');
  });

  it('stops gracefully: unsubscribes, disconnects and refuses to start again', async () => {
    const agent = newAgent();
    await agent.start();
    await agent.stop();
    await agent.stop();
    expect(agent.state).toBe('stopped');
    await expect(agent.start()).rejects.toThrow(/stopped/);
  });
});
