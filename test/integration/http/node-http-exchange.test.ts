import { once } from 'node:events';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { staticCredentials } from '../../../src/http/basic-credentials.js';
import type { HttpRequest } from '../../../src/http/http-exchange.js';
import { JobsHttpClient } from '../../../src/http/jobs-http-client.js';
import { createNodeHttpExchange } from '../../../src/http/node-http-exchange.js';
import { TimeoutError, TransportError } from '../../../src/errors.js';
import { testCerts } from '../../helpers/certs.js';
import { ManualClock } from '../../helpers/manual-clock.js';

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

interface Served {
  readonly url: string;
  /** The socket each request arrived on, in order. */
  readonly sockets: Socket[];
  readonly requests: IncomingMessage[];
}

const closers: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function serve(handler: Handler, tls = false): Promise<Served> {
  const sockets: Socket[] = [];
  const requests: IncomingMessage[] = [];
  const onRequest: Handler = (request, response) => {
    sockets.push(request.socket);
    requests.push(request);
    handler(request, response);
  };
  const certs = testCerts();
  const server = tls
    ? createHttpsServer({ key: certs.server.key, cert: certs.server.cert }, onRequest)
    : createServer(onRequest);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  closers.push(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const { port } = server.address() as AddressInfo;
  return { url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}/things/t/jobs`, sockets, requests };
}

const get = (url: string, overrides: Partial<HttpRequest> = {}): HttpRequest => ({
  method: 'GET',
  url: new URL(url),
  headers: {},
  signal: new AbortController().signal,
  ...overrides,
});

describe('createNodeHttpExchange', () => {
  it('sends the headers it is given, with host as signed', async () => {
    const served = await serve((_request, response) => response.end('{}'));
    const url = new URL(served.url);
    await createNodeHttpExchange()(get(served.url, { headers: { authorization: 'AWS4-HMAC-SHA256 x' } }));
    expect(served.requests[0]?.headers).toMatchObject({
      host: url.host,
      authorization: 'AWS4-HMAC-SHA256 x',
    });
  });

  it('answers with the status, the headers and the whole body', async () => {
    const served = await serve((_request, response) => {
      response
        .writeHead(503, { 'x-amzn-ErrorType': 'ServiceUnavailableException' })
        .end('{"message":"busy"}');
    });
    const answer = await createNodeHttpExchange()(get(served.url));
    expect([answer.status, answer.headers.get('X-Amzn-ErrorType'), answer.body]).toEqual([
      503,
      'ServiceUnavailableException',
      '{"message":"busy"}',
    ]);
  });

  it('joins a repeated header and reads a missing one as null, as Headers.get does', async () => {
    const served = await serve((_request, response) => {
      response.setHeader('x-repeated', ['a', 'b']);
      response.end();
    });
    const { headers } = await createNodeHttpExchange()(get(served.url));
    expect([headers.get('x-repeated'), headers.get('x-missing')]).toEqual(['a, b', null]);
  });

  it('decodes a body sent in chunks that split a multi-byte character', async () => {
    const text = '{"message":"déjà vu"}';
    const bytes = Buffer.from(text, 'utf8');
    const split = bytes.indexOf(0xa9); // the second byte of "é"
    const served = await serve((_request, response) => {
      response.writeHead(200, { 'content-length': String(bytes.length) });
      response.write(bytes.subarray(0, split));
      setTimeout(() => response.end(bytes.subarray(split)), 20);
    });
    expect((await createNodeHttpExchange()(get(served.url))).body).toBe(text);
  });

  it('reuses one connection for consecutive requests', async () => {
    const served = await serve((_request, response) => response.end('{}'));
    const exchange = createNodeHttpExchange();
    for (let i = 0; i < 3; i++) await exchange(get(served.url));
    expect(new Set(served.sockets).size).toBe(1);
  });

  it('does not follow a redirect', async () => {
    const served = await serve((_request, response) => {
      response.writeHead(302, { location: '/elsewhere' }).end();
    });
    const answer = await createNodeHttpExchange()(get(served.url));
    expect([answer.status, served.requests.length]).toEqual([302, 1]);
  });

  it('rejects with the reason when aborted while the body is arriving', async () => {
    const controller = new AbortController();
    const served = await serve((_request, response) => {
      response.writeHead(200, { 'content-length': '100' });
      response.write('{"executionSummaries":[');
    });
    const result = createNodeHttpExchange()(get(served.url, { signal: controller.signal }));
    await vi.waitFor(() => {
      expect(served.requests).toHaveLength(1);
    });
    const reason = new Error('stop');
    controller.abort(reason);
    await expect(result).rejects.toBe(reason);
  });

  it('sends nothing when the signal is already aborted', async () => {
    const served = await serve((_request, response) => response.end('{}'));
    const exchange = createNodeHttpExchange();
    await expect(exchange(get(served.url, { signal: AbortSignal.abort() }))).rejects.toBeInstanceOf(Error);
    expect(served.requests).toHaveLength(0);
  });

  it('rejects when the connection closes before the body is complete', async () => {
    const served = await serve((_request, response) => {
      response.writeHead(200, { 'content-length': '100' });
      response.write('{"executionSummaries":[', () => response.socket?.destroy());
    });
    await expect(createNodeHttpExchange()(get(served.url))).rejects.toBeInstanceOf(Error);
  });

  it('refuses a server whose certificate it cannot verify', async () => {
    // The test CA is not among the system's: a verifying client must refuse the handshake.
    const served = await serve((_request, response) => response.end('{}'), true);
    const error: unknown = await createNodeHttpExchange()(get(served.url)).catch((e: unknown) => e);
    expect((error as { code?: string }).code).toMatch(/CERT|VERIFY/);
    expect(served.requests).toHaveLength(0);
  });
});

describe('JobsHttpClient over the default exchange', () => {
  it('times out a server that never answers, on the injected clock', async () => {
    const served = await serve(() => undefined);
    const clock = new ManualClock();
    const client = new JobsHttpClient({
      endpoint: new URL(served.url).origin,
      region: 'us-east-1',
      thingName: 't',
      credentials: staticCredentials({ accessKeyId: 'AKID', secretAccessKey: 'SECRET' }),
      clock,
      requestTimeoutMs: 5_000,
      retry: { maxAttempts: 1 },
    });
    const result = client.listPage();
    await vi.waitFor(() => {
      expect(served.requests).toHaveLength(1);
    });
    clock.advance(5_000);
    await expect(result).rejects.toBeInstanceOf(TimeoutError);
  });

  it('reports a refused connection as a TransportError naming the cause', async () => {
    const served = await serve((_request, response) => response.end('{}'));
    await closers.splice(0)[0]?.();
    const client = new JobsHttpClient({
      endpoint: new URL(served.url).origin,
      region: 'us-east-1',
      thingName: 't',
      credentials: staticCredentials({ accessKeyId: 'AKID', secretAccessKey: 'SECRET' }),
      retry: { maxAttempts: 1 },
    });
    const error: unknown = await client.listPage().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect((error as Error).message).toContain('ECONNREFUSED');
  });
});
