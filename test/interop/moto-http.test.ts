import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { staticCredentials } from '../../src/http/basic-credentials.js';
import { JobsHttpClient, asListSource } from '../../src/http/jobs-http-client.js';
import {
  MOTO_CREDENTIALS,
  MOTO_REGION,
  cancelExecutions,
  listExecutionsWithBoto,
  seedJobs,
  startMoto,
  type MotoServer,
} from '../helpers/moto.js';

const THING = 'moto-http-thing';
const JOB_COUNT = 600;

/** A fetch that records every request URL before passing it on. */
function recordingFetch(): { fetch: typeof fetch; urls: URL[] } {
  const urls: URL[] = [];
  const wrapped: typeof fetch = (input, init) => {
    urls.push(new URL(input instanceof Request ? input.url : input));
    return fetch(input, init);
  };
  return { fetch: wrapped, urls };
}

function clientFor(moto: MotoServer, thingName: string, fetchImpl: typeof fetch): JobsHttpClient {
  return new JobsHttpClient({
    endpoint: moto.endpoint,
    region: MOTO_REGION,
    thingName,
    credentials: staticCredentials({ ...MOTO_CREDENTIALS, sessionToken: 'moto-session-token' }),
    fetch: fetchImpl,
  });
}

describe('JobsHttpClient against moto_server', () => {
  let moto: MotoServer;
  let seededJobIds: readonly string[];

  beforeAll(async () => {
    moto = await startMoto();
    seededJobIds = (await seedJobs(moto.endpoint, THING, JOB_COUNT)).jobIds;
  });

  afterAll(async () => {
    await moto.stop();
  });

  it('lists all 600 executions in three pages of 250', async () => {
    const recorder = recordingFetch();
    const executions = await clientFor(moto, THING, recorder.fetch).listAll({ maxResults: 250 });

    const jobIds = executions.map((e) => e.jobId);
    expect(new Set(jobIds).size).toBe(JOB_COUNT);
    expect([...jobIds].sort()).toEqual([...seededJobIds].sort());
    expect(recorder.urls).toHaveLength(3);
    expect(recorder.urls.map((url) => url.searchParams.get('maxResults'))).toEqual(['250', '250', '250']);
  });

  it('follows the nextToken of each page into the next request', async () => {
    const recorder = recordingFetch();
    const client = clientFor(moto, THING, recorder.fetch);
    const first = await client.listPage({ maxResults: 250 });
    expect(first.executions).toHaveLength(250);
    expect(first.nextToken).toBeDefined();

    await client.listAll({ maxResults: 250 });
    const tokens = recorder.urls.slice(1).map((url) => url.searchParams.get('nextToken'));
    expect(tokens[0]).toBeNull();
    expect(tokens[1]).toBe(first.nextToken);
    expect(tokens[2]).not.toBeNull();
  });

  it('reads the same executions as botocore, timestamps in epoch seconds', async () => {
    const [ours, boto] = await Promise.all([
      clientFor(moto, THING, fetch).listAll({ maxResults: 250 }),
      listExecutionsWithBoto(moto.endpoint, THING),
    ]);
    const byJobId = new Map(ours.map((e) => [e.jobId, e]));
    expect(byJobId.size).toBe(boto.executions.length);
    for (const expected of boto.executions) {
      const actual = byJobId.get(expected.jobId);
      expect(actual?.status).toBe(expected.status);
      expect(actual?.executionNumber).toBe(expected.executionNumber);
      expect(actual?.queuedAt).toBeCloseTo(expected.queuedAt, 3);
      expect(actual?.lastUpdatedAt).toBeCloseTo(expected.lastUpdatedAt, 3);
    }
  });

  it('serves the reconciler a complete listing through asListSource, 250 per page', async () => {
    const recorder = recordingFetch();
    const source = asListSource(clientFor(moto, THING, recorder.fetch));
    const executions = await source.listAll(new AbortController().signal);
    expect(executions).toHaveLength(JOB_COUNT);
    expect(recorder.urls.map((url) => url.searchParams.get('maxResults'))).toEqual(['250', '250', '250']);
  });

  describe('status filter', () => {
    const FILTER_THING = 'moto-http-filter-thing';
    const CANCELED = ['job-0001', 'job-0003', 'job-0004'];

    beforeAll(async () => {
      await seedJobs(moto.endpoint, FILTER_THING, 6);
      await cancelExecutions(moto.endpoint, FILTER_THING, CANCELED);
    });

    it('lists only the executions in the requested status, across pages', async () => {
      const recorder = recordingFetch();
      const client = clientFor(moto, FILTER_THING, recorder.fetch);
      const canceled = await client.listAll({ status: 'CANCELED', maxResults: 2 });
      expect(canceled.map((e) => e.jobId).sort()).toEqual(CANCELED);
      expect(canceled.every((e) => e.status === 'CANCELED')).toBe(true);
      expect(recorder.urls).toHaveLength(2);
      expect(recorder.urls.every((url) => url.searchParams.get('status') === 'CANCELED')).toBe(true);
    });

    it('leaves the other executions to the other statuses', async () => {
      const queued = await clientFor(moto, FILTER_THING, fetch).listAll({ status: 'QUEUED' });
      expect(queued.map((e) => e.jobId).sort()).toEqual(['job-0000', 'job-0002', 'job-0005']);
    });

    it('finds nothing for a status no execution has', async () => {
      const succeeded = await clientFor(moto, FILTER_THING, fetch).listAll({ status: 'SUCCEEDED' });
      expect(succeeded).toEqual([]);
    });
  });
});
