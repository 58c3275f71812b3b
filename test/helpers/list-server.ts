import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A ListJobExecutionsForThing summary as the service sends it. */
export interface ListedExecution {
  readonly jobId: string;
  readonly status: string;
  readonly queuedAt?: number;
  readonly startedAt?: number;
  readonly lastUpdatedAt?: number;
  readonly executionNumber?: number;
}

export interface ListAnswer {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body: string;
}

/** One page of ListJobExecutionsForThing. */
export function page(executions: readonly ListedExecution[], nextToken?: string): ListAnswer {
  return {
    status: 200,
    body: JSON.stringify({
      executionSummaries: executions.map(({ jobId, ...summary }) => ({
        jobId,
        jobExecutionSummary: summary,
      })),
      ...(nextToken !== undefined ? { nextToken } : {}),
    }),
  };
}

/** A restJson1 error the way AWS sends it. */
export function awsError(status: number, type: string, message: string): ListAnswer {
  return { status, headers: { 'x-amzn-errortype': type }, body: JSON.stringify({ __type: type, message }) };
}

export interface ListServer {
  readonly endpoint: string;
  /** Request targets (path and query) in arrival order. */
  readonly targets: string[];
  close(): Promise<void>;
}

/** A local HTTP server answering each request with `answer` (which may wait). */
export async function startListServer(
  answer: (url: URL, index: number) => ListAnswer | Promise<ListAnswer>,
): Promise<ListServer> {
  const targets: string[] = [];
  const server = createServer((req, res) => {
    const target = req.url ?? '/';
    targets.push(target);
    void Promise.resolve(answer(new URL(target, 'http://127.0.0.1'), targets.length - 1)).then((reply) => {
      res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
      res.end(reply.body);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    targets,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
