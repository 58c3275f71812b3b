import { once } from 'node:events';
import { type IncomingHttpHeaders, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the stub saw of one request. */
export interface SeenRequest {
  readonly method: string;
  /** Path and query exactly as sent on the request line. */
  readonly target: string;
  readonly headers: IncomingHttpHeaders;
}

/** One scripted answer. */
export interface StubResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
}

export type Responder = (request: SeenRequest, index: number) => StubResponse;

export interface StubServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly requests: SeenRequest[];
  close(): Promise<void>;
}

/** A local HTTP server on 127.0.0.1, port 0, answering each request with `respond`. */
export async function startStubServer(respond: Responder): Promise<StubServer> {
  const requests: SeenRequest[] = [];
  const server: Server = createServer((req, res) => {
    const seen: SeenRequest = { method: req.method ?? '', target: req.url ?? '', headers: req.headers };
    requests.push(seen);
    const answer = respond(seen, requests.length - 1);
    res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
    res.end(answer.body ?? '');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Answers with `responses` in turn; the last one repeats. */
export function sequence(...responses: StubResponse[]): Responder {
  return (_request, index) => {
    const response = responses[Math.min(index, responses.length - 1)];
    if (!response) throw new Error('empty sequence');
    return response;
  };
}

/** A 200 ListJobExecutionsForThing page. */
export function listPage(jobIds: readonly string[], nextToken?: string | null): StubResponse {
  return {
    status: 200,
    body: JSON.stringify({
      executionSummaries: jobIds.map((jobId, i) => ({
        jobId,
        jobExecutionSummary: {
          status: 'QUEUED',
          queuedAt: 1.7e9 + i + 0.25,
          lastUpdatedAt: 1.7e9 + i + 0.5,
          executionNumber: 1,
          retryAttempt: 0,
        },
      })),
      ...(nextToken === undefined ? {} : { nextToken }),
    }),
  };
}

/** An AWS restJson1 error answer. */
export function awsError(
  status: number,
  type: string | undefined,
  where: 'header' | '__type' | 'code' = 'header',
): StubResponse {
  const body: Record<string, string> = { message: `${type ?? 'error'} from the stub` };
  if (type !== undefined && where === '__type') body['__type'] = type;
  if (type !== undefined && where === 'code') body['code'] = type;
  return {
    status,
    headers: type !== undefined && where === 'header' ? { 'x-amzn-errortype': type } : {},
    body: JSON.stringify(body),
  };
}
