import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobsAgent } from '../../src/agent.js';
import { recordEvents, testAgentOptions } from '../helpers/agent.js';
import { startBroker, type TestBroker } from '../helpers/broker.js';
import { TEST_THING_NAME } from '../helpers/certs.js';
import { runCli, writeConfig } from '../helpers/cli.js';
import { FakeJobsService } from '../helpers/fake-jobs-service.js';
import {
  MOTO_CREDENTIALS,
  MOTO_REGION,
  cancelExecutions,
  deleteExecutions,
  seedJobs,
  startMoto,
  type MotoServer,
} from '../helpers/moto.js';

const JOB_COUNT = 600;

describe('the agent and the CLI against moto_server', () => {
  let moto: MotoServer;
  let broker: TestBroker;
  let jobIds: readonly string[];

  beforeAll(async () => {
    [moto, broker] = await Promise.all([startMoto(), startBroker()]);
    new FakeJobsService(broker, TEST_THING_NAME);
    jobIds = (await seedJobs(moto.endpoint, TEST_THING_NAME, JOB_COUNT)).jobIds;
  });

  afterAll(async () => {
    await Promise.all([moto.stop(), broker.close()]);
  });

  it('reconciles 600 executions, then reports cancellations as updates and deletions as removals', async () => {
    const agent = new JobsAgent(
      testAgentOptions(broker, {
        reconcile: {
          endpoint: moto.endpoint,
          region: MOTO_REGION,
          intervalSeconds: 3_600,
          credentials: MOTO_CREDENTIALS,
        },
      }),
    );
    try {
      const events = recordEvents(agent);
      await agent.start();
      expect(agent.executions()).toHaveLength(JOB_COUNT);
      expect(events.find((e) => e.event === 'reconciled')?.payload).toMatchObject({
        added: JOB_COUNT,
        total: JOB_COUNT,
      });

      const canceled = jobIds.slice(0, 3);
      const deleted = jobIds.slice(3, 5);
      await cancelExecutions(moto.endpoint, TEST_THING_NAME, canceled);
      await deleteExecutions(moto.endpoint, TEST_THING_NAME, deleted);
      events.length = 0;
      const report = await agent.reconcile();

      expect(report).toMatchObject({ added: 0, updated: 3, removed: 2, total: JOB_COUNT - 2 });
      const updated = events.filter((e) => e.event === 'executionUpdated').map((e) => e.payload);
      expect(updated).toHaveLength(3);
      for (const payload of updated) {
        expect(payload).toMatchObject({
          previousStatus: 'QUEUED',
          execution: { status: 'CANCELED' },
          source: 'reconcile',
        });
      }
      expect(new Set(updated.map((p) => ('execution' in p && p.execution ? p.execution.jobId : '')))).toEqual(
        new Set(canceled),
      );
      const removed = events
        .filter((e) => e.event === 'executionRemoved')
        .map((e) => ('jobId' in e.payload ? e.payload.jobId : ''));
      expect(new Set(removed)).toEqual(new Set(deleted));
    } finally {
      await agent.stop();
    }
  });

  it('lists every page through the CLI, and filters by status', async () => {
    const config = writeConfig(() => ({
      thingName: TEST_THING_NAME,
      mqtt: { url: broker.url, caFile: 'ca.pem', certFile: 'device.pem', keyFile: 'device.key' },
      reconcile: { endpoint: moto.endpoint, region: MOTO_REGION, credentials: MOTO_CREDENTIALS },
    }));
    const all = await runCli(['list', '--config', config, '--max-results', '250']);
    expect(all.code).toBe(0);
    const listing = JSON.parse(all.stdout) as {
      executionSummaries: { jobId: string; jobExecutionSummary: { status: string } }[];
    };
    // The first test deleted two executions.
    expect(new Set(listing.executionSummaries.map((s) => s.jobId)).size).toBe(JOB_COUNT - 2);

    const canceled = await runCli(['list', '--config', config, '--status', 'CANCELED']);
    expect(canceled.code).toBe(0);
    const statuses = (JSON.parse(canceled.stdout) as typeof listing).executionSummaries.map(
      (s) => s.jobExecutionSummary.status,
    );
    expect(statuses.length).toBeGreaterThan(0);
    expect(new Set(statuses)).toEqual(new Set(['CANCELED']));
  });
});
