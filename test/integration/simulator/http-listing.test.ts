import { IoTClient, ListJobExecutionsForThingCommand } from '@aws-sdk/client-iot';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { beforeEach, describe, expect, it } from 'vitest';
import type { SimulatorCredentials } from '../../../src/simulator/sigv4-verifier.js';
import type { Simulator } from '../../../src/simulator/simulator.js';
import { useSimulator } from './sim-client.js';

const simulator = useSimulator();
let sim: Simulator;

beforeEach(async () => {
  sim = await simulator.start();
});

interface Listing {
  executionSummaries: { jobId: string; jobExecutionSummary: Record<string, unknown> }[];
  nextToken?: string;
}

/** A GET signed the way the AWS SDK v3 signs it (SigV4, signing name `iot`). */
async function signedGet(
  path: string,
  query: Record<string, string> = {},
  credentials: SimulatorCredentials = sim.credentials,
  region = sim.region,
): Promise<Response> {
  const endpoint = new URL(sim.httpEndpoint);
  const signer = new SignatureV4({ credentials, region, service: 'iot', sha256: Hash.bind(null, 'sha256') });
  const signed = await signer.sign({
    method: 'GET',
    protocol: 'http:',
    hostname: endpoint.hostname,
    port: Number(endpoint.port),
    path,
    query,
    headers: { host: endpoint.host },
  });
  const headers = withoutHost(signed.headers);
  const search = new URLSearchParams(query).toString();
  return fetch(`${sim.httpEndpoint}${path}${search === '' ? '' : `?${search}`}`, { headers });
}

/** fetch sets Host itself (to the same value that was signed). */
function withoutHost(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => name !== 'host'));
}

function queue(...jobIds: string[]): void {
  for (const jobId of jobIds) sim.createJob({ jobId, document: {}, targets: ['thing-1'] });
}

describe('simulator HTTP: ListJobExecutionsForThing', () => {
  it('lists a thing executions in the restJson shape with epoch-second timestamps', async () => {
    queue('job-a');
    const response = await signedGet('/things/thing-1/jobs');
    expect(response.status).toBe(200);
    const body = (await response.json()) as Listing;
    const [summary] = body.executionSummaries;
    expect(body.executionSummaries).toHaveLength(1);
    expect(summary?.jobId).toBe('job-a');
    expect(Object.keys(summary?.jobExecutionSummary ?? {}).sort()).toEqual([
      'executionNumber',
      'lastUpdatedAt',
      'queuedAt',
      'status',
    ]);
    expect(summary?.jobExecutionSummary).toMatchObject({ status: 'QUEUED', executionNumber: 1 });
    expect(Math.abs((summary?.jobExecutionSummary['queuedAt'] as number) - Date.now() / 1000)).toBeLessThan(
      5,
    );
    expect(body).not.toHaveProperty('nextToken');
  });

  it('pages with maxResults and an opaque nextToken until the last page', async () => {
    queue('job-1', 'job-2', 'job-3', 'job-4', 'job-5');
    const seen: string[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const response = await signedGet('/things/thing-1/jobs', {
        maxResults: '2',
        ...(nextToken && { nextToken }),
      });
      const body = (await response.json()) as Listing;
      seen.push(...body.executionSummaries.map((s) => s.jobId));
      nextToken = body.nextToken;
      pages += 1;
    } while (nextToken !== undefined);
    expect(pages).toBe(3);
    expect(seen).toEqual(['job-1', 'job-2', 'job-3', 'job-4', 'job-5']);
  });

  it('filters by status', async () => {
    queue('job-a', 'job-b');
    sim.cancelJob('job-a');
    const body = (await (await signedGet('/things/thing-1/jobs', { status: 'CANCELED' })).json()) as Listing;
    expect(body.executionSummaries.map((s) => s.jobId)).toEqual(['job-a']);
  });

  it('filters by jobId', async () => {
    queue('job-a', 'job-b');
    const body = (await (await signedGet('/things/thing-1/jobs', { jobId: 'job-b' })).json()) as Listing;
    expect(body.executionSummaries.map((s) => s.jobId)).toEqual(['job-b']);
  });

  it('filters by namespaceId', async () => {
    queue('job-a');
    sim.createJob({ jobId: 'gg-1', document: {}, targets: ['thing-1'], namespaceId: 'aws-gg-deployment' });
    const body = (await (
      await signedGet('/things/thing-1/jobs', { namespaceId: 'aws-gg-deployment' })
    ).json()) as Listing;
    expect(body.executionSummaries.map((s) => s.jobId)).toEqual(['gg-1']);
  });

  it('answers a maxResults above 250 with 400 InvalidRequestException', async () => {
    const response = await signedGet('/things/thing-1/jobs', { maxResults: '251' });
    expect(response.status).toBe(400);
    expect(response.headers.get('x-amzn-errortype')).toBe('InvalidRequestException');
    const body = (await response.json()) as { __type: string; message: string };
    expect(body.__type).toBe('InvalidRequestException');
    expect(body.message).toContain('maxResults');
  });

  it('answers a nextToken from another query with 400 InvalidRequestException', async () => {
    queue('job-1', 'job-2', 'job-3');
    const first = (await (await signedGet('/things/thing-1/jobs', { maxResults: '1' })).json()) as Listing;
    const response = await signedGet('/things/thing-1/jobs', {
      status: 'QUEUED',
      nextToken: first.nextToken ?? '',
    });
    expect(response.status).toBe(400);
  });

  it('answers an unknown thing with 404 ResourceNotFoundException', async () => {
    const response = await signedGet('/things/nobody/jobs');
    expect(response.status).toBe(404);
    expect(response.headers.get('x-amzn-errortype')).toBe('ResourceNotFoundException');
  });
});

describe('simulator HTTP: SigV4 verification', () => {
  it('answers a request signed with the wrong secret with 403 InvalidSignatureException', async () => {
    const response = await signedGet(
      '/things/thing-1/jobs',
      {},
      { ...sim.credentials, secretAccessKey: 'wrong-secret' },
    );
    expect(response.status).toBe(403);
    expect(response.headers.get('x-amzn-errortype')).toBe('InvalidSignatureException');
  });

  it('answers an unknown access key with 403 UnrecognizedClientException', async () => {
    const response = await signedGet(
      '/things/thing-1/jobs',
      {},
      { accessKeyId: 'AKIAUNKNOWN', secretAccessKey: 'x' },
    );
    expect(response.status).toBe(403);
    expect(response.headers.get('x-amzn-errortype')).toBe('UnrecognizedClientException');
  });

  it('answers a request scoped to another region with 403', async () => {
    const response = await signedGet('/things/thing-1/jobs', {}, sim.credentials, 'eu-west-1');
    expect(response.status).toBe(403);
  });

  it('answers an unsigned request with 403', async () => {
    const response = await fetch(`${sim.httpEndpoint}/things/thing-1/jobs`);
    expect(response.status).toBe(403);
    expect(response.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
  });

  it('answers a request whose query was changed after signing with 403', async () => {
    const endpoint = new URL(sim.httpEndpoint);
    const signer = new SignatureV4({
      credentials: sim.credentials,
      region: sim.region,
      service: 'iot',
      sha256: Hash.bind(null, 'sha256'),
    });
    const signed = await signer.sign({
      method: 'GET',
      protocol: 'http:',
      hostname: endpoint.hostname,
      path: '/things/thing-1/jobs',
      query: { status: 'QUEUED' },
      headers: { host: endpoint.host },
    });
    const headers = withoutHost(signed.headers);
    const response = await fetch(`${sim.httpEndpoint}/things/thing-1/jobs?status=FAILED`, { headers });
    expect(response.status).toBe(403);
  });

  it('serves the AWS SDK v3 IoT client, SigV4 and paging included', async () => {
    queue('job-a', 'job-b', 'job-c');
    const client = new IoTClient({
      endpoint: sim.httpEndpoint,
      region: sim.region,
      credentials: sim.credentials,
    });
    try {
      const first = await client.send(
        new ListJobExecutionsForThingCommand({ thingName: 'thing-1', maxResults: 2 }),
      );
      const second = await client.send(
        new ListJobExecutionsForThingCommand({
          thingName: 'thing-1',
          maxResults: 2,
          nextToken: first.nextToken,
        }),
      );
      const jobIds = [...(first.executionSummaries ?? []), ...(second.executionSummaries ?? [])].map(
        (s) => s.jobId,
      );
      expect(jobIds).toEqual(['job-a', 'job-b', 'job-c']);
      expect(first.executionSummaries?.[0]?.jobExecutionSummary?.queuedAt).toBeInstanceOf(Date);
    } finally {
      client.destroy();
    }
  });

  it('verifies the double-encoded path of a thing name with a colon', async () => {
    await sim.addThing('site:rpi-01');
    sim.createJob({ jobId: 'job-colon', document: {}, targets: ['site:rpi-01'] });
    const client = new IoTClient({
      endpoint: sim.httpEndpoint,
      region: sim.region,
      credentials: sim.credentials,
    });
    try {
      const page = await client.send(new ListJobExecutionsForThingCommand({ thingName: 'site:rpi-01' }));
      expect(page.executionSummaries?.map((s) => s.jobId)).toEqual(['job-colon']);
    } finally {
      client.destroy();
    }
  });
});

describe('simulator HTTP: fault injection', () => {
  it('throttles the next call with 400 ThrottlingException, then recovers', async () => {
    sim.faults.throttleHttp(1);
    const throttled = await signedGet('/things/thing-1/jobs');
    const next = await signedGet('/things/thing-1/jobs');
    expect(throttled.status).toBe(400);
    expect(throttled.headers.get('x-amzn-errortype')).toBe('ThrottlingException');
    expect(next.status).toBe(200);
  });

  it('fails the next call with 503 ServiceUnavailableException', async () => {
    sim.faults.failHttp(1);
    const response = await signedGet('/things/thing-1/jobs');
    expect(response.status).toBe(503);
    expect(response.headers.get('x-amzn-errortype')).toBe('ServiceUnavailableException');
  });

  it('fails only the requested page of a listing', async () => {
    queue('job-1', 'job-2', 'job-3');
    sim.faults.failPage(2);
    const first = await signedGet('/things/thing-1/jobs', { maxResults: '1' });
    const { nextToken = '' } = (await first.json()) as Listing;
    const second = await signedGet('/things/thing-1/jobs', { maxResults: '1', nextToken });
    const retried = await signedGet('/things/thing-1/jobs', { maxResults: '1', nextToken });
    expect([first.status, second.status, retried.status]).toEqual([200, 503, 200]);
  });
});
