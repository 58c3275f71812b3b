import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AgentOptions } from '../../../src/config/schema.js';
import type { ListedExecution } from '../../helpers/list-server.js';

/** Static test credentials; the local listing servers do not check signatures. */
export const CREDENTIALS = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
} as const;

/** A `reconcile` section pointing at `endpoint`, with no scheduled runs during a test. */
export function reconcileAt(endpoint: string): NonNullable<AgentOptions['reconcile']> {
  return { endpoint, region: 'us-east-1', intervalSeconds: 3_600, credentials: CREDENTIALS };
}

/** A queued execution as ListJobExecutionsForThing lists it. */
export function listed(jobId: string, queuedAt: number): ListedExecution {
  return { jobId, status: 'QUEUED', queuedAt, lastUpdatedAt: queuedAt, executionNumber: 1 };
}

/** ListJobExecutionsForThing's body for one page. */
export function pageBody(executions: readonly ListedExecution[], nextToken?: string): string {
  return JSON.stringify({
    executionSummaries: executions.map(({ jobId, ...summary }) => ({ jobId, jobExecutionSummary: summary })),
    ...(nextToken !== undefined ? { nextToken } : {}),
  });
}

export type PageHandler = (request: IncomingMessage, response: ServerResponse, url: URL) => void;

/**
 * A listing server whose behaviour the test swaps at will (`handler`), that can be killed
 * (every socket destroyed, listener closed) and brought back on the same port.
 */
export interface KillableServer {
  readonly endpoint: string;
  /** Requests seen, by their `nextToken` query (`''` for the first page). */
  readonly tokens: string[];
  handler: PageHandler;
  kill(): Promise<void>;
  revive(): Promise<void>;
  close(): Promise<void>;
}

export async function startKillableServer(handler: PageHandler): Promise<KillableServer> {
  const tokens: string[] = [];
  let server: Server | undefined;
  const state = { handler };
  const listen = async (port: number): Promise<number> => {
    const next = createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1');
      tokens.push(url.searchParams.get('nextToken') ?? '');
      state.handler(request, response, url);
    });
    next.listen(port, '127.0.0.1');
    await once(next, 'listening');
    server = next;
    return (next.address() as AddressInfo).port;
  };
  const port = await listen(0);
  const kill = async (): Promise<void> => {
    const current = server;
    server = undefined;
    if (!current) return;
    current.closeAllConnections();
    await new Promise<void>((resolve) => current.close(() => resolve()));
  };
  return {
    endpoint: `http://127.0.0.1:${port}`,
    tokens,
    get handler() {
      return state.handler;
    },
    set handler(next: PageHandler) {
      state.handler = next;
    },
    kill,
    async revive() {
      if (!server) await listen(port);
    },
    close: kill,
  };
}

/** Answers every page from `pages` (the token of page i > 0 is `p<i>`). */
export function servePages(pages: readonly (readonly ListedExecution[])[]): PageHandler {
  return (_request, response, url) => {
    const token = url.searchParams.get('nextToken');
    const index = token === null ? 0 : Number(token.slice(1));
    const next = index + 1 < pages.length ? `p${index + 1}` : undefined;
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(pageBody(pages[index] ?? [], next));
  };
}
