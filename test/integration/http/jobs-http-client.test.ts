import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CredentialsProvider } from '../../../src/http/credentials.js';
import { staticCredentials } from '../../../src/http/basic-credentials.js';
import { JobsHttpClient, type JobsHttpClientOptions } from '../../../src/http/jobs-http-client.js';
import { MalformedResponseError } from '../../../src/http/aws-error.js';
import {
  AbortedError,
  ConfigError,
  HttpError,
  InvalidRequestError,
  PaginationError,
  ResourceNotFoundError,
  ServiceUnavailableError,
  ThrottlingError,
} from '../../../src/errors.js';
import { ManualClock } from '../../helpers/manual-clock.js';
import {
  type Responder,
  type StubServer,
  awsError,
  listPage,
  sequence,
  startStubServer,
} from './stub-server.js';

let server: StubServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(respond: Responder): Promise<StubServer> {
  server = await startStubServer(respond);
  return server;
}

/** A client on the stub: zero backoff (random 0), so retries run at once on the real clock. */
function clientFor(stub: StubServer, overrides: Partial<JobsHttpClientOptions> = {}): JobsHttpClient {
  return new JobsHttpClient({
    endpoint: stub.url,
    region: 'us-east-1',
    thingName: 'rpi:kitchen-01',
    credentials: staticCredentials({
      accessKeyId: 'AKIDTEST',
      secretAccessKey: 'SECRET',
      sessionToken: 'TOKEN',
    }),
    random: () => 0,
    ...overrides,
  });
}

const query = (target: string | undefined): Record<string, string> =>
  Object.fromEntries(new URL(target ?? '/', 'http://x').searchParams);

describe('listAll over HTTP', () => {
  it('follows nextToken through three pages', async () => {
    const stub = await serve(
      sequence(listPage(['a', 'b'], 'tok/1+=='), listPage(['c'], 'tok2'), listPage(['d'], null)),
    );
    const executions = await clientFor(stub).listAll({ maxResults: 2 });
    expect(executions.map((e) => e.jobId)).toEqual(['a', 'b', 'c', 'd']);
    expect(stub.requests.map((r) => query(r.target)['nextToken'])).toEqual([undefined, 'tok/1+==', 'tok2']);
  });

  it('sends the thing name and the next token percent-encoded', async () => {
    const stub = await serve(sequence(listPage(['a'], 'x/y+z='), listPage([])));
    await clientFor(stub).listAll();
    expect(stub.requests[1]?.target).toBe('/things/rpi%3Akitchen-01/jobs?nextToken=x%2Fy%2Bz%3D');
  });

  it('sends a SigV4 authorization for service iot with the session token', async () => {
    const stub = await serve(sequence(listPage([])));
    await clientFor(stub).listPage();
    const headers = stub.requests[0]?.headers;
    expect(headers?.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDTEST\/\d{8}\/us-east-1\/iot\/aws4_request, SignedHeaders=host;x-amz-date;x-amz-security-token, Signature=[0-9a-f]{64}$/,
    );
    expect(headers?.['x-amz-security-token']).toBe('TOKEN');
  });

  it('maps summaries with fractional epoch seconds', async () => {
    const stub = await serve(sequence(listPage(['a'])));
    const [execution] = await clientFor(stub).listAll();
    expect(execution).toEqual({
      jobId: 'a',
      status: 'QUEUED',
      queuedAt: 1.7e9 + 0.25,
      lastUpdatedAt: 1.7e9 + 0.5,
      executionNumber: 1,
      retryAttempt: 0,
    });
  });

  it('rejects when page 2 fails permanently after page 1 succeeded', async () => {
    const stub = await serve(sequence(listPage(['a'], 't1'), awsError(400, 'InvalidRequestException')));
    await expect(clientFor(stub).listAll()).rejects.toBeInstanceOf(InvalidRequestError);
    expect(stub.requests).toHaveLength(2);
  });

  it('rejects a looping nextToken with PaginationError', async () => {
    const stub = await serve(sequence(listPage(['a'], 't1'), listPage(['b'], 't2'), listPage(['a'], 't1')));
    const error: unknown = await clientFor(stub)
      .listAll()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PaginationError);
    expect((error as PaginationError).pagesRead).toBe(3);
    expect(stub.requests).toHaveLength(3);
  });

  it('rejects a listing longer than maxPages with PaginationError', async () => {
    const stub = await serve((_request, index) => listPage([`j${index}`], `t${index}`));
    await expect(clientFor(stub, { maxPages: 4 }).listAll()).rejects.toBeInstanceOf(PaginationError);
    expect(stub.requests).toHaveLength(4);
  });
});

describe('retries over HTTP', () => {
  it('succeeds after 503 twice', async () => {
    const stub = await serve(
      sequence(awsError(503, 'ServiceUnavailableException'), awsError(503, undefined), listPage(['a'])),
    );
    const page = await clientFor(stub).listPage();
    expect(page.executions).toHaveLength(1);
    expect(stub.requests).toHaveLength(3);
  });

  it('succeeds after a ThrottlingException sent with HTTP 400', async () => {
    const stub = await serve(sequence(awsError(400, 'ThrottlingException'), listPage(['a'])));
    await clientFor(stub).listPage();
    expect(stub.requests).toHaveLength(2);
  });

  it('succeeds after HTTP 429', async () => {
    const stub = await serve(sequence({ status: 429, body: '' }, listPage(['a'])));
    await clientFor(stub).listPage();
    expect(stub.requests).toHaveLength(2);
  });

  it('rejects with the last error once the attempts are spent', async () => {
    const stub = await serve(
      sequence(awsError(400, 'ThrottlingException'), awsError(503, 'ServiceUnavailableException')),
    );
    const error: unknown = await clientFor(stub, { retry: { maxAttempts: 3 } })
      .listPage()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(stub.requests).toHaveLength(3);
  });

  it('aborts during a backoff with AbortedError and sends nothing more', async () => {
    const stub = await serve(sequence(awsError(503, 'ServiceUnavailableException')));
    const clock = new ManualClock();
    const controller = new AbortController();
    const result = clientFor(stub, {
      clock,
      random: () => 0.5,
      retry: { initialDelayMs: 1_000 },
      requestTimeoutMs: 30_000,
    }).listPage({}, controller.signal);
    // the backoff (0.5 × 1000 ms) is the only timer once the first answer is in
    await vi.waitFor(() => {
      expect(clock.pendingDelays()).toEqual([500]);
    });
    controller.abort();
    await expect(result).rejects.toBeInstanceOf(AbortedError);
    expect(stub.requests).toHaveLength(1);
    expect(clock.pending).toBe(0);
  });

  it('refreshes expired credentials through the provider and retries', async () => {
    let fetched = 0;
    let invalidated = 0;
    const credentials: CredentialsProvider = {
      get: () =>
        Promise.resolve({ accessKeyId: `AKID${++fetched}`, secretAccessKey: 'S', sessionToken: 'T' }),
      invalidate: () => {
        invalidated++;
      },
    };
    const stub = await serve((request) =>
      request.headers.authorization?.includes('Credential=AKID1/') === true
        ? awsError(403, 'ExpiredTokenException')
        : listPage(['a']),
    );
    const page = await clientFor(stub, { credentials }).listPage();
    expect(page.executions).toHaveLength(1);
    expect(invalidated).toBe(1);
    expect(stub.requests.map((r) => /Credential=(\w+)\//.exec(r.headers.authorization ?? '')?.[1])).toEqual([
      'AKID1',
      'AKID2',
    ]);
  });
});

describe('errors over HTTP', () => {
  it('maps 404 to ResourceNotFoundError without retrying', async () => {
    const stub = await serve(sequence(awsError(404, 'ResourceNotFoundException')));
    await expect(clientFor(stub).listPage()).rejects.toBeInstanceOf(ResourceNotFoundError);
    expect(stub.requests).toHaveLength(1);
  });

  it('maps InvalidRequestException without retrying', async () => {
    const stub = await serve(sequence(awsError(400, 'InvalidRequestException')));
    const error: unknown = await clientFor(stub)
      .listPage()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect((error as HttpError).message).toBe(
      'ListJobExecutionsForThing failed: HTTP 400 InvalidRequestException: InvalidRequestException from the stub',
    );
    expect(stub.requests).toHaveLength(1);
  });

  it('reads a decorated type from body __type', async () => {
    const stub = await serve(
      sequence(awsError(400, 'com.amazonaws.iot#InvalidRequestException:http://internal/', '__type')),
    );
    await expect(clientFor(stub).listPage()).rejects.toMatchObject({ errorType: 'InvalidRequestException' });
  });

  it('reads a decorated type from body code', async () => {
    const stub = await serve(
      sequence(awsError(400, 'aws.iot#ThrottlingException:http://internal/', 'code'), listPage(['a'])),
    );
    await clientFor(stub).listPage();
    expect(stub.requests).toHaveLength(2);
  });

  it('keeps an unmodeled status and type on HttpError', async () => {
    const stub = await serve(sequence(awsError(410, 'LimitExceededException')));
    const error: unknown = await clientFor(stub)
      .listPage()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect(error).not.toBeInstanceOf(ThrottlingError);
    expect(error).toMatchObject({ status: 410, errorType: 'LimitExceededException' });
    expect(stub.requests).toHaveLength(1);
  });

  it('rejects malformed JSON with MalformedResponseError', async () => {
    const stub = await serve(sequence({ status: 200, body: '{"executionSummaries": [' }));
    await expect(clientFor(stub).listPage()).rejects.toBeInstanceOf(MalformedResponseError);
  });

  it('rejects a wrongly shaped body with MalformedResponseError', async () => {
    const stub = await serve(sequence({ status: 200, body: '{"executionSummaries":[{"jobId":7}]}' }));
    await expect(clientFor(stub).listPage()).rejects.toThrow(/executionSummaries\.0\.jobId/);
  });

  it.each([
    ['maxResults', { maxResults: 0 }],
    ['status', { status: 'FINISHED' }],
    ['jobId', { jobId: 'no spaces' }],
    ['namespaceId', { namespaceId: 'a#b' }],
  ])('sends no request for a bad %s', async (field, params) => {
    const stub = await serve(sequence(listPage([])));
    const error: unknown = await clientFor(stub)
      .listAll(params)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues[0]?.path).toBe(field);
    expect(stub.requests).toHaveLength(0);
  });
});
