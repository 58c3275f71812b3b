import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JobsAgent } from '../../../src/agent.js';
import { recordEvents, testAgentOptions } from '../../helpers/agent.js';
import { startBroker, type TestBroker } from '../../helpers/broker.js';
import { TEST_THING_NAME } from '../../helpers/certs.js';
import { waitUntil } from '../../helpers/events.js';
import { FakeJobsService } from '../../helpers/fake-jobs-service.js';
import {
  listed,
  pageBody,
  reconcileAt,
  servePages,
  startKillableServer,
  type KillableServer,
} from './fault-kit.js';

/**
 * Cuts during a reconcile: the MQTT socket while the listing is in flight, the HTTP socket in
 * the middle of a page, and the listing server dying between two pages. A reconcile that did not
 * see a complete listing must remove nothing, and the next attempt must succeed.
 */

const A = listed('job-a', 1_700_000_001);
const B = listed('job-b', 1_700_000_002);
const C = listed('job-c', 1_700_000_003);

describe('cuts during a reconcile', () => {
  let broker: TestBroker;
  let server: KillableServer;
  let agent: JobsAgent | undefined;

  beforeEach(async () => {
    broker = await startBroker();
    new FakeJobsService(broker, TEST_THING_NAME);
    server = await startKillableServer(servePages([[A], [B]]));
  });

  afterEach(async () => {
    await agent?.stop();
    agent = undefined;
    await server.close();
    await broker.close();
  });

  // random 0: every retry backoff (full jitter) is 0 ms, so the HTTP retries take no wall time.
  const newAgent = (): JobsAgent =>
    new JobsAgent(testAgentOptions(broker, { reconcile: reconcileAt(server.endpoint) }), { random: () => 0 });

  it('completes a listing whose MQTT connection was cut while it was in flight, then reconciles again', async () => {
    agent = newAgent();
    const events = recordEvents(agent);
    await agent.start();
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    server.handler = (request, response, url) => {
      void gate.then(() => {
        servePages([[A], [B, C]])(request, response, url);
      });
    };
    const reconciling = agent.reconcile();
    await waitUntil(() => server.tokens.length === 3, 5_000, 'the reconcile to ask for its first page');
    broker.dropConnections();
    await waitUntil(
      () => events.filter((e) => e.event === 'connected').length === 2,
      10_000,
      'the reconnection',
    );
    release();
    const report = await reconciling;
    expect(report.total).toBe(3);
    await waitUntil(
      () => events.filter((e) => e.event === 'reconciled').length === 3,
      10_000,
      'the fresh reconcile',
    );
    expect(agent.executions().map((e) => e.jobId)).toEqual(['job-a', 'job-b', 'job-c']);
    expect(events.some((e) => e.event === 'executionRemoved')).toBe(false);
  });

  it('retries a page whose HTTP socket was cut mid-body and completes the listing', async () => {
    agent = newAgent();
    await agent.start();
    let cut = false;
    server.handler = (request, response, url) => {
      if (url.searchParams.get('nextToken') === 'p1' && !cut) {
        cut = true;
        const body = pageBody([B, C]);
        response.writeHead(200, {
          'content-type': 'application/json',
          'content-length': String(body.length),
        });
        response.write(body.slice(0, 20));
        setTimeout(() => request.socket.destroy(), 20);
        return;
      }
      servePages([[A], [B, C]])(request, response, url);
    };
    const report = await agent.reconcile();
    expect([cut, report.total, agent.executions().map((e) => e.jobId)]).toEqual([
      true,
      3,
      ['job-a', 'job-b', 'job-c'],
    ]);
  });

  it('removes nothing when the server dies between two pages', async () => {
    agent = newAgent();
    const events = recordEvents(agent);
    await agent.start();
    expect(agent.executions().map((e) => e.jobId)).toEqual(['job-a', 'job-b']);
    server.handler = (request, response, url) => {
      if (url.searchParams.get('nextToken') === 'p1') {
        request.socket.destroy();
        void server.kill();
        return;
      }
      // Page 1 no longer lists job-b: only a complete listing may remove it.
      servePages([[A], [C]])(request, response, url);
    };
    await expect(agent.reconcile()).rejects.toMatchObject({
      code: expect.stringMatching(/^ERR_/) as unknown,
    });
    expect(agent.executions().map((e) => e.jobId)).toEqual(['job-a', 'job-b']);
    expect(events.some((e) => e.event === 'executionRemoved')).toBe(false);
  });

  it('succeeds on the next attempt once the server is back', async () => {
    agent = newAgent();
    await agent.start();
    server.handler = (request, _response, url) => {
      if (url.searchParams.get('nextToken') === 'p1') {
        request.socket.destroy();
        void server.kill();
      } else servePages([[A], [C]])(request, _response, url);
    };
    await expect(agent.reconcile()).rejects.toThrow();
    server.handler = servePages([[A], [C]]);
    await server.revive();
    const report = await agent.reconcile();
    expect([report.added, report.removed, agent.executions().map((e) => e.jobId)]).toEqual([
      1,
      1,
      ['job-a', 'job-c'],
    ]);
  });
});
