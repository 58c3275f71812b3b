/**
 * The reconcile bench's ListJobExecutionsForThing server, in its own process so its CPU is not
 * counted against a client: `total` executions in pages of `pageSize`, bodies built once up front
 * so every client reads byte-identical pages. Reports `{ type: 'listening', port }` over IPC.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const { total, pageSize } = JSON.parse(process.argv[2] ?? '{}') as { total: number; pageSize: number };
const STATUSES = ['QUEUED', 'IN_PROGRESS', 'SUCCEEDED', 'FAILED', 'CANCELED'] as const;

const pages: string[] = [];
for (let first = 0; first < total; first += pageSize) {
  const summaries = [];
  for (let i = first; i < Math.min(total, first + pageSize); i++) {
    const queuedAt = 1_700_000_000 + i;
    const status = STATUSES[i % STATUSES.length] ?? 'QUEUED';
    summaries.push({
      jobId: `job-${String(i).padStart(6, '0')}`,
      jobExecutionSummary: {
        status,
        queuedAt,
        ...(status === 'QUEUED' ? {} : { startedAt: queuedAt + 5 }),
        lastUpdatedAt: queuedAt + 60,
        executionNumber: 1,
        retryAttempt: 0,
      },
    });
  }
  const next = first + pageSize < total ? String(pages.length + 1) : undefined;
  pages.push(JSON.stringify({ executionSummaries: summaries, ...(next ? { nextToken: next } : {}) }));
}

const server = createServer((request, response) => {
  const url = new URL(request.url ?? '/', 'http://127.0.0.1');
  const body = pages[Number(url.searchParams.get('nextToken') ?? '0')];
  request.resume();
  if (body === undefined) {
    response.writeHead(400, {
      'content-type': 'application/json',
      'x-amzn-errortype': 'InvalidRequestException',
    });
    response.end('{"message":"bad nextToken"}');
    return;
  }
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(body);
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.send?.({ type: 'listening', port: (server.address() as AddressInfo).port });
});
process.on('message', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
