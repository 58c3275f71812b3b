import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { systemClock, type Clock } from '../clock.js';
import { silentLogger, type Logger } from '../logger.js';
import { isThingName } from '../protocol/names.js';
import { handleAdmin, type SimulatorAdmin } from './admin-api.js';
import { FaultPlan } from './faults.js';
import { isLoopback, readBody, sendAwsError, sendJson } from './http-responses.js';
import type { JobsState } from './jobs-state.js';
import { listPage, parseListQuery } from './list-executions.js';
import { verifySigV4, type SimulatorCredentials } from './sigv4-verifier.js';

/**
 * The simulator's HTTP side: the control-plane call a device agent makes,
 * `GET /things/{thingName}/jobs` (ListJobExecutionsForThing, SigV4-verified, signing name `iot`),
 * and the unsigned loopback-only admin API under `/admin/` (admin-api.ts).
 */

export interface JobsHttpServiceOptions {
  readonly state: JobsState;
  /** Accepted SigV4 credentials. */
  readonly credentials: readonly SimulatorCredentials[];
  /** The region requests must be scoped to. */
  readonly region: string;
  /** The admin API; without it `/admin/` answers 404. */
  readonly admin?: SimulatorAdmin | undefined;
  /** @default a FaultPlan with nothing planned */
  readonly faults?: FaultPlan | undefined;
  /** @default systemClock (only used for the signature age check) */
  readonly clock?: Clock | undefined;
  /** @default '127.0.0.1' */
  readonly host?: string | undefined;
  /** @default 0 (any free port) */
  readonly port?: number | undefined;
  /** @default 15 minutes, as AWS */
  readonly maxClockSkewMs?: number | undefined;
  /** @default silentLogger */
  readonly logger?: Logger | undefined;
}

export interface JobsHttpService {
  /** `http://HOST:PORT`, the endpoint to give an AWS SDK or the agent's `reconcile.endpoint`. */
  readonly endpoint: string;
  readonly port: number;
  close(): Promise<void>;
}

const LIST_PATH = /^\/things\/([^/]+)\/jobs\/?$/;

/** Starts the HTTP server; resolves once it listens. */
export async function startJobsHttpService(options: JobsHttpServiceOptions): Promise<JobsHttpService> {
  const faults = options.faults ?? new FaultPlan();
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const host = options.host ?? '127.0.0.1';

  const serve = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const rawUrl = req.url ?? '/';
    const url = new URL(rawUrl, 'http://simulator.invalid');
    if (url.pathname === '/admin' || url.pathname.startsWith('/admin/')) {
      if (!options.admin || !isLoopback(req.socket.remoteAddress)) {
        sendAwsError(
          res,
          options.admin ? 403 : 404,
          'AccessDeniedException',
          'the admin API is for loopback clients',
        );
        return;
      }
      await handleAdmin(req, res, url, options.admin);
      return;
    }
    const rawPath = rawUrl.split('?')[0] ?? '/';
    const match = LIST_PATH.exec(rawPath);
    if (!match || req.method !== 'GET') {
      sendAwsError(
        res,
        404,
        'UnknownOperationException',
        `no operation for ${req.method ?? ''} ${url.pathname}`,
      );
      return;
    }
    const body = await readBody(req);
    const verdict = await verifySigV4(
      { method: 'GET', rawPath, query: queryRecord(url.searchParams), headers: req.headers, body },
      {
        credentials: options.credentials,
        region: options.region,
        service: 'iot',
        nowMs: clock.now(),
        maxSkewMs: options.maxClockSkewMs ?? 15 * 60_000,
      },
    );
    if (!verdict.ok) {
      sendAwsError(res, 403, verdict.type, verdict.message);
      return;
    }
    listExecutions(res, safeDecode(match[1] ?? ''), url.searchParams);
  };

  const listExecutions = (res: ServerResponse, thingName: string, params: URLSearchParams): void => {
    const query = parseListQuery(params);
    if (!isThingName(thingName)) {
      sendAwsError(
        res,
        400,
        'InvalidRequestException',
        `thingName must match [a-zA-Z0-9:_-]+ (1-128 characters)`,
      );
      return;
    }
    if (!query.ok) {
      sendAwsError(res, 400, 'InvalidRequestException', query.message);
      return;
    }
    const fault = faults.takeHttpFailure(query.value.page);
    if (fault) {
      sendAwsError(res, fault.status, fault.type, fault.message);
      return;
    }
    if (!options.state.hasThing(thingName)) {
      sendAwsError(res, 404, 'ResourceNotFoundException', `Thing ${thingName} cannot be found.`);
      return;
    }
    sendJson(res, 200, listPage(options.state.executions(thingName), query.value));
  };

  const server: Server = createServer((req, res) => {
    serve(req, res).catch((error: unknown) => {
      logger.error({ err: error, url: req.url }, 'simulator: HTTP request failed');
      if (!res.headersSent) sendAwsError(res, 500, 'InternalFailureException', 'internal error');
      else res.destroy();
    });
  });
  server.listen(options.port ?? 0, host);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const hostForUrl = host.includes(':') ? `[${host}]` : host;

  return {
    endpoint: `http://${hostForUrl}:${port}`,
    port,
    async close() {
      if (!server.listening) return;
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

function queryRecord(params: URLSearchParams): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const key of new Set(params.keys())) {
    const values = params.getAll(key);
    query[key] = values.length === 1 ? (values[0] ?? '') : values;
  }
  return query;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment; // not a valid thing name either, so it gets InvalidRequestException
  }
}
