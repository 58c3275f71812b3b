import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JobsAgent } from '../../../src/agent.js';
import { RejectedError } from '../../../src/errors.js';
import { startBroker, type TestBroker } from '../../helpers/broker.js';
import { TEST_THING_NAME } from '../../helpers/certs.js';
import { FakeJobsService, type FakeExecution, type FakeRequest } from '../../helpers/fake-jobs-service.js';
import { testAgentOptions } from '../../helpers/agent.js';
import { FAST_RETRY, waitForEvent } from './harness.js';

type Responder = NonNullable<Parameters<FakeJobsService['respondWith']>[0]>;

/** Exact scripted replies (the simulator covers faithful behaviour). */
describe('requests against a scripted jobs service', () => {
  let broker: TestBroker;
  let service: FakeJobsService;
  const agents: JobsAgent[] = [];

  const newAgent = (): JobsAgent => {
    const agent = new JobsAgent(testAgentOptions(broker), { requestRetry: FAST_RETRY }, { stopDrainMs: 0 });
    agents.push(agent);
    return agent;
  };
  const updates = (): FakeRequest[] => service.requests.filter((r) => r.operation === 'update');
  /** The fake falls back to its default answer when the responder returns undefined. */
  const script = (responder: (request: FakeRequest) => ReturnType<Responder> | undefined): void => {
    service.respondWith(responder as Responder);
  };
  const seed = (execution: FakeExecution): void => {
    service.executions.set(execution.jobId, execution);
  };

  beforeEach(async () => {
    broker = await startBroker();
    service = new FakeJobsService(broker, TEST_THING_NAME);
  });
  afterEach(async () => {
    await Promise.all(agents.splice(0).map((agent) => agent.stop()));
    await broker.close();
  });

  /** Accepts updates, bumping the version, like the service does. */
  const acceptUpdates = (request: FakeRequest) => {
    if (request.operation !== 'update') return undefined;
    const execution = service.executions.get(request.jobId ?? '');
    if (!execution) return undefined;
    execution.status = String(request.body['status']);
    execution.versionNumber = (execution.versionNumber ?? 0) + 1;
    if (request.body['statusDetails'])
      execution.statusDetails = request.body['statusDetails'] as Record<string, string>;
    return {
      outcome: 'accepted' as const,
      body: {
        executionState: {
          status: execution.status,
          versionNumber: execution.versionNumber,
          statusDetails: execution.statusDetails,
        },
      },
    };
  };

  it('sends expectedVersion 0 when the cache says version 0', async () => {
    seed({ jobId: 'zero', status: 'QUEUED', queuedAt: 1, versionNumber: 0, executionNumber: 1 });
    script((request) => acceptUpdates(request));
    const agent = newAgent();
    await agent.start();
    await agent.update('zero', 'IN_PROGRESS');
    expect(updates()[0]?.body).toMatchObject({
      status: 'IN_PROGRESS',
      expectedVersion: 0,
      executionNumber: 1,
      includeJobExecutionState: true,
    });
  });

  it('counts an update as delivered when a retry finds it already applied (a lost reply)', async () => {
    seed({ jobId: 'lost', status: 'IN_PROGRESS', queuedAt: 1, versionNumber: 2, executionNumber: 1 });
    let dropped = false;
    script((request) => {
      if (request.operation !== 'update') return undefined;
      if (!dropped) {
        dropped = true;
        acceptUpdates(request); // applied, but the reply never arrives
        return 'ignore';
      }
      const execution = service.executions.get('lost');
      return {
        outcome: 'rejected',
        body: {
          code: 'VersionMismatch',
          executionState: {
            status: execution?.status,
            versionNumber: execution?.versionNumber,
            statusDetails: execution?.statusDetails,
          },
        },
      };
    });
    const agent = new JobsAgent(
      { ...testAgentOptions(broker), requestTimeoutMs: 300 },
      { requestRetry: FAST_RETRY },
      { stopDrainMs: 0 },
    );
    agents.push(agent);
    await agent.start();
    const result = await agent.update('lost', 'SUCCEEDED', { statusDetails: { done: 'yes' } });
    expect(result).toMatchObject({ status: 'SUCCEEDED', versionNumber: 3, statusDetails: { done: 'yes' } });
    expect(updates().map((r) => r.body['expectedVersion'])).toEqual([2, 2]);
    expect(service.executions.get('lost')?.versionNumber).toBe(3);
  });

  it('reports a refused handler status as an error event and corrects the cache', async () => {
    seed({
      jobId: 'gone',
      status: 'QUEUED',
      queuedAt: 1,
      versionNumber: 1,
      executionNumber: 1,
      jobDocument: { operation: 'op' },
    });
    script((request) => {
      if (request.operation !== 'update') return undefined;
      if (request.body['status'] === 'IN_PROGRESS') return acceptUpdates(request);
      return {
        outcome: 'rejected',
        body: { code: 'InvalidStateTransition', executionState: { status: 'CANCELED', versionNumber: 3 } },
      };
    });
    const agent = newAgent();
    agent.handle('op', () => ({ statusDetails: { result: 'done' } }));
    const error = waitForEvent(agent, 'error');
    await agent.start();
    const event = await error;
    expect(event.code).toBe('ERR_REJECTED');
    expect(event.error).toBeInstanceOf(RejectedError);
    expect(agent.execution('gone')).toMatchObject({ status: 'CANCELED', versionNumber: 3 });
  });
});
