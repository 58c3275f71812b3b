import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JobsAgent } from '../../../src/agent.js';
import { recordEvents, testAgentOptions } from '../../helpers/agent.js';
import { startBroker, type TestBroker } from '../../helpers/broker.js';
import { TEST_THING_NAME } from '../../helpers/certs.js';
import { FakeJobsService } from '../../helpers/fake-jobs-service.js';
import { listed, reconcileAt, servePages, startKillableServer, type KillableServer } from './fault-kit.js';

/**
 * A state file damaged before start (a power cut mid-write on a filesystem without atomic
 * rename, a bad sector, a hand edit): the agent reports ERR_CACHE, starts empty, refills from
 * the first reconcile and writes the file again, valid and 0600.
 */

const VALID = JSON.stringify({
  version: 1,
  thingName: TEST_THING_NAME,
  savedAt: 1_700_000_000_000,
  executions: [{ jobId: 'stale-job', status: 'QUEUED', queuedAt: 1_600_000_000 }],
});

const DAMAGE: readonly (readonly [string, string | Uint8Array])[] = [
  ['truncated mid-file', VALID.slice(0, Math.floor(VALID.length / 2))],
  ['empty', ''],
  ['random bytes', Uint8Array.from({ length: 512 }, (_, i) => (i * 7919 + 13) % 256)],
  [
    'valid JSON of the wrong shape',
    JSON.stringify({ version: 1, thingName: TEST_THING_NAME, executions: [{ jobId: 5 }] }),
  ],
  ['another format version', JSON.stringify({ version: 99, thingName: TEST_THING_NAME, executions: [] })],
];

const LISTING = [listed('job-a', 1_700_000_001), listed('job-b', 1_700_000_002)];

describe('damaged state file at start', () => {
  let broker: TestBroker;
  let server: KillableServer;
  let dir: string;
  let agent: JobsAgent | undefined;

  beforeEach(async () => {
    broker = await startBroker();
    new FakeJobsService(broker, TEST_THING_NAME);
    server = await startKillableServer(servePages([LISTING]));
    dir = await mkdtemp(join(tmpdir(), 'faults-state-'));
  });

  afterEach(async () => {
    await agent?.stop();
    agent = undefined;
    await server.close();
    await broker.close();
    await rm(dir, { recursive: true, force: true });
  });

  const startWith = async (content: string | Uint8Array) => {
    const stateFile = join(dir, 'jobs.json');
    await writeFile(stateFile, content, { mode: 0o644 });
    agent = new JobsAgent(testAgentOptions(broker, { stateFile, reconcile: reconcileAt(server.endpoint) }));
    const events = recordEvents(agent);
    await agent.start();
    return { stateFile, events, agent };
  };

  it.each(DAMAGE)('reports ERR_CACHE for a file that is %s', async (_name, content) => {
    const { events } = await startWith(content);
    expect(
      events.filter((e) => e.event === 'error').map((e) => ('code' in e.payload ? e.payload.code : '')),
    ).toEqual(['ERR_CACHE']);
  });

  it.each(DAMAGE)(
    'starts empty and refills from the first reconcile when the file is %s',
    async (_name, content) => {
      const { events, agent } = await startWith(content);
      const sources = events.flatMap((e) =>
        e.event === 'executionAdded' && 'source' in e.payload ? [e.payload.source] : [],
      );
      expect([sources, agent.executions().map((e) => e.jobId)]).toEqual([
        ['reconcile', 'reconcile'],
        ['job-a', 'job-b'],
      ]);
    },
  );

  it.each(DAMAGE)('rewrites a file that is %s as a valid 0600 state file', async (_name, content) => {
    const { stateFile, agent } = await startWith(content);
    await agent.stop();
    const saved = JSON.parse(await readFile(stateFile, 'utf8')) as {
      version: number;
      thingName: string;
      executions: { jobId: string }[];
    };
    const mode = (await stat(stateFile)).mode & 0o777;
    expect([saved.version, saved.thingName, saved.executions.map((e) => e.jobId), mode.toString(8)]).toEqual([
      1,
      TEST_THING_NAME,
      ['job-a', 'job-b'],
      '600',
    ]);
  });

  it('loads an intact file (the control case)', async () => {
    const { events } = await startWith(VALID);
    expect(
      events.flatMap((e) =>
        e.event === 'executionAdded' && 'source' in e.payload ? [e.payload.source] : [],
      ),
    ).toEqual(['cache', 'reconcile', 'reconcile']);
  });
});
