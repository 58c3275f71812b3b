import { readFileSync } from 'node:fs';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { AwsCredentials, CredentialsProvider } from '../../../src/http/credentials.js';
import {
  JobsHttpClient,
  asListSource,
  type JobsHttpClientOptions,
} from '../../../src/http/jobs-http-client.js';
import { MalformedResponseError } from '../../../src/http/aws-error.js';
import type { ExecutionListSource } from '../../../src/reconcile/source.js';
import { AbortedError, ConfigError, HttpError, TimeoutError, TransportError } from '../../../src/errors.js';
import { ManualClock, flushMicrotasks } from '../../helpers/manual-clock.js';

interface Call {
  readonly url: string;
  readonly headers: Record<string, string>;
}

/** A fetch that records calls and answers from `responses` (the last one repeats). */
function fakeFetch(...responses: (() => Response | Promise<Response>)[]): {
  calls: Call[];
  fetch: typeof fetch;
} {
  const calls: Call[] = [];
  const fetchFn = (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    calls.push({
      url: input instanceof Request ? input.url : input.toString(),
      headers: { ...(init?.headers as Record<string, string>) },
    });
    const next = responses[Math.min(calls.length, responses.length) - 1];
    if (!next) throw new Error('no response scripted');
    return Promise.resolve(next());
  };
  return { calls, fetch: fetchFn };
}

const json = (body: unknown, status = 200, headers: Record<string, string> = {}): (() => Response) => {
  return () =>
    new Response(JSON.stringify(body), {
      status,
      headers: { 'content-type': 'application/json', ...headers },
    });
};

const page = (jobIds: string[], nextToken?: string): (() => Response) =>
  json({
    executionSummaries: jobIds.map((jobId) => ({
      jobId,
      jobExecutionSummary: { status: 'QUEUED', queuedAt: 1.7e9 },
    })),
    ...(nextToken === undefined ? {} : { nextToken }),
  });

const fixedCredentials = (credentials: AwsCredentials): CredentialsProvider => ({
  get: () => Promise.resolve(credentials),
  invalidate: () => undefined,
});

function client(overrides: Partial<JobsHttpClientOptions> = {}): JobsHttpClient {
  return new JobsHttpClient({
    endpoint: 'https://iot.us-east-1.amazonaws.com',
    region: 'us-east-1',
    thingName: 'thing-1',
    credentials: fixedCredentials({ accessKeyId: 'AKID', secretAccessKey: 'SECRET' }),
    clock: new ManualClock(),
    random: () => 0,
    ...overrides,
  });
}

describe('JobsHttpClient request', () => {
  it('sends exactly the request botocore signs in the golden case', async () => {
    const golden = (
      JSON.parse(readFileSync(new URL('../../fixtures/sigv4/iot-golden.json', import.meta.url), 'utf8')) as {
        cases: { name: string; input: Record<string, string>; expected: { authorization: string } }[];
      }
    ).cases.find((c) => c.name === 'iot-list-colon-thing-token-session');
    if (!golden) throw new Error('golden case missing');
    const { input } = golden;
    const { calls, fetch } = fakeFetch(page([]));
    const subject = client({
      endpoint: 'https://iot.eu-west-1.amazonaws.com',
      region: 'eu-west-1',
      thingName: 'rpi:kitchen-01',
      credentials: fixedCredentials({
        accessKeyId: input['accessKeyId'] ?? '',
        secretAccessKey: input['secretAccessKey'] ?? '',
        sessionToken: input['sessionToken'],
      }),
      clock: new ManualClock(Date.parse(input['signingDate'] ?? '')),
      fetch,
    });
    await subject.listPage({
      status: 'IN_PROGRESS',
      maxResults: 250,
      namespaceId: 'ns_1',
      nextToken: 'AAMA/b3BhcXVl+dG9rZW4=',
    });
    expect(calls[0]?.url).toBe(input['url']);
    expect(calls[0]?.headers['authorization']).toBe(golden.expected.authorization);
    expect(calls[0]?.headers['x-amz-security-token']).toBe(input['sessionToken']);
  });

  it('keeps a path prefix of the endpoint', async () => {
    const { calls, fetch } = fakeFetch(page([]));
    await client({ endpoint: 'http://127.0.0.1:9000/iot/', fetch }).listPage();
    expect(calls[0]?.url).toBe('http://127.0.0.1:9000/iot/things/thing-1/jobs');
  });
});

describe('JobsHttpClient validation', () => {
  it.each([
    ['maxResults', { maxResults: 0 }],
    ['maxResults', { maxResults: 251 }],
    ['maxResults', { maxResults: 2.5 }],
    ['status', { status: 'DONE' }],
    ['jobId', { jobId: 'has space' }],
    ['jobId', { jobId: 'x'.repeat(65) }],
    ['namespaceId', { namespaceId: 'a/b' }],
    ['nextToken', { nextToken: '' }],
  ])('rejects a bad %s before any request', async (field, params) => {
    const { calls, fetch } = fakeFetch(page([]));
    const error: unknown = await client({ fetch })
      .listPage(params as never)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues[0]?.path).toBe(field);
    expect(calls).toHaveLength(0);
  });

  it('validates listAll parameters before any request', async () => {
    const { calls, fetch } = fakeFetch(page([]));
    await expect(client({ fetch }).listAll({ maxResults: 500 })).rejects.toBeInstanceOf(ConfigError);
    expect(calls).toHaveLength(0);
  });

  it.each([
    ['thingName', { thingName: 'bad/thing' }],
    ['endpoint', { endpoint: 'http://iot.us-east-1.amazonaws.com' }],
    ['endpoint', { endpoint: 'not a url' }],
    ['region', { region: '' }],
    ['maxPages', { maxPages: 0 }],
    ['retry.maxAttempts', { retry: { maxAttempts: 0 } }],
  ])('throws a ConfigError naming %s from the constructor', (field, overrides) => {
    let error: unknown;
    try {
      client(overrides);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues.map((issue) => issue.path)).toContain(field);
  });

  it('accepts plain http to a loopback endpoint', () => {
    expect(() => client({ endpoint: 'http://localhost:8080' })).not.toThrow();
  });
});

describe('JobsHttpClient failures', () => {
  it('reports a network failure as a TransportError with the cause', async () => {
    const fetch = (() =>
      Promise.reject(
        new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED') }),
      )) as typeof globalThis.fetch;
    const error: unknown = await client({ fetch, retry: { maxAttempts: 1 } })
      .listPage()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect((error as Error).message).toContain('ECONNREFUSED');
  });

  it('times out a request that hangs, on the injected clock', async () => {
    const clock = new ManualClock();
    const fetch = ((_input: unknown, init?: RequestInit) =>
      new Promise<Response>((_resolve, reject) => {
        init?.signal?.addEventListener('abort', () => {
          reject(new DOMException('aborted', 'AbortError'));
        });
      })) as typeof globalThis.fetch;
    const result = client({ fetch, clock, requestTimeoutMs: 1_000, retry: { maxAttempts: 1 } }).listPage();
    const settled = expect(result).rejects.toBeInstanceOf(TimeoutError);
    await flushMicrotasks();
    await clock.advanceAsync(1_000);
    await settled;
  });

  it('rejects a body that is not JSON with MalformedResponseError', async () => {
    const { fetch } = fakeFetch(() => new Response('<html>', { status: 200 }));
    await expect(client({ fetch }).listPage()).rejects.toBeInstanceOf(MalformedResponseError);
  });

  it('refreshes credentials once on ExpiredTokenException and retries', async () => {
    let fetched = 0;
    let invalidated = 0;
    const credentials: CredentialsProvider = {
      get: () => Promise.resolve({ accessKeyId: `AKID${++fetched}`, secretAccessKey: 'S' }),
      invalidate: () => {
        invalidated++;
      },
    };
    const { calls, fetch } = fakeFetch(
      json({ message: 'The security token included in the request is expired' }, 403, {
        'x-amzn-errortype': 'ExpiredTokenException',
      }),
      page(['a']),
    );
    const result = await client({ fetch, credentials }).listPage();
    expect(result.executions).toHaveLength(1);
    expect(invalidated).toBe(1);
    expect(calls[1]?.headers['authorization']).toContain('Credential=AKID2/');
  });

  it('refreshes on a 403 when the credentials it signed with had expired', async () => {
    const clock = new ManualClock();
    let invalidated = 0;
    const credentials: CredentialsProvider = {
      get: () => Promise.resolve({ accessKeyId: 'A', secretAccessKey: 'S', expiresAt: clock.now() }),
      invalidate: () => {
        invalidated++;
      },
    };
    const { fetch } = fakeFetch(json({}, 403), page([]));
    await client({ fetch, credentials, clock }).listPage();
    expect(invalidated).toBe(1);
  });

  it('gives up with the 403 when refreshed credentials are expired too', async () => {
    const { calls, fetch } = fakeFetch(json({}, 403, { 'x-amzn-errortype': 'ExpiredTokenException' }));
    const error: unknown = await client({ fetch })
      .listPage()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).status).toBe(403);
    expect(calls).toHaveLength(2);
  });

  it('does not retry a 403 that is not about expiry', async () => {
    const { calls, fetch } = fakeFetch(json({}, 403, { 'x-amzn-errortype': 'AccessDeniedException' }));
    await expect(client({ fetch }).listPage()).rejects.toMatchObject({ status: 403 });
    expect(calls).toHaveLength(1);
  });

  it('puts no secret, token or signature in its errors', async () => {
    const secrets = {
      accessKeyId: 'AKIDSECRETID',
      secretAccessKey: 'SUPERSECRETKEY',
      sessionToken: 'SESSIONTOKEN',
    };
    const { fetch } = fakeFetch(json({ message: 'nope' }, 500));
    const error = (await client({ fetch, credentials: fixedCredentials(secrets), retry: { maxAttempts: 1 } })
      .listPage()
      .catch((e: unknown) => e)) as HttpError;
    const text = `${error.message} ${JSON.stringify(error)} ${error.bodyPreview}`;
    for (const value of [...Object.values(secrets), 'Signature=', 'AWS4-HMAC-SHA256']) {
      expect(text).not.toContain(value);
    }
  });

  it('stops at the abort signal before sending', async () => {
    const { calls, fetch } = fakeFetch(page([]));
    await expect(client({ fetch }).listPage({}, AbortSignal.abort())).rejects.toBeInstanceOf(AbortedError);
    expect(calls).toHaveLength(0);
  });
});

describe('JobsHttpClient listAll', () => {
  const summaryOf = (jobId: string, status: string): unknown => ({
    jobId,
    jobExecutionSummary: { status },
  });

  it('keeps the last summary of a job listed on two pages, at its last position', async () => {
    const { fetch } = fakeFetch(
      json({ executionSummaries: [summaryOf('a', 'QUEUED'), summaryOf('b', 'QUEUED')], nextToken: 't1' }),
      json({ executionSummaries: [summaryOf('c', 'QUEUED'), summaryOf('a', 'IN_PROGRESS')] }),
    );
    const executions = await client({ fetch }).listAll();
    expect(executions).toEqual([
      { jobId: 'b', status: 'QUEUED' },
      { jobId: 'c', status: 'QUEUED' },
      { jobId: 'a', status: 'IN_PROGRESS' },
    ]);
  });

  it('lists every page in order when no job repeats', async () => {
    const { fetch } = fakeFetch(page(['a', 'b'], 't1'), page(['c'], 't2'), page(['d']));
    const executions = await client({ fetch }).listAll();
    expect(executions.map((e) => e.jobId)).toEqual(['a', 'b', 'c', 'd']);
  });
});

describe('asListSource', () => {
  it('is an ExecutionListSource', () => {
    expectTypeOf(asListSource(client())).toExtend<ExecutionListSource>();
  });

  it('lists every page 250 at a time within the namespace', async () => {
    const { calls, fetch } = fakeFetch(page(['a'], 't1'), page(['b']));
    const source = asListSource(client({ fetch }), { namespaceId: 'ns' });
    const executions = await source.listAll(new AbortController().signal);
    expect(executions.map((e) => e.jobId)).toEqual(['a', 'b']);
    expect(calls.map((c) => new URL(c.url).search)).toEqual([
      '?maxResults=250&namespaceId=ns',
      '?maxResults=250&namespaceId=ns&nextToken=t1',
    ]);
  });
});
