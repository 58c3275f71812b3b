import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { REJECTED_CODES } from '../errors.js';
import type { FaultPlan, FaultSnapshot } from './faults.js';
import { readBody, sendAwsError, sendJson } from './http-responses.js';
import type { SimExecution, SimJob } from './jobs-model.js';
import type { CreateJobInput } from './jobs-store.js';
import { SimulatorError } from './simulator-error.js';

/**
 * The simulator's admin surface over HTTP (unsigned, loopback only), for the CLI and for code
 * in other processes. Routes:
 *
 * | method | path | body / query | does |
 * |---|---|---|---|
 * | GET | /admin/state | | things, jobs, executions, faults |
 * | POST | /admin/things | `{thingName}` | registers a thing and issues its device certificate |
 * | POST | /admin/jobs | `{jobId, document, targets, namespaceId?, inProgressTimeoutInMinutes?}` | CreateJob |
 * | POST | /admin/jobs/{jobId}/cancel | `{force?}` | CancelJob |
 * | GET | /admin/things/{thing}/executions | | the thing's executions |
 * | POST | /admin/things/{thing}/jobs/{jobId}/cancel | `{force?}` | CancelJobExecution |
 * | DELETE | /admin/things/{thing}/jobs/{jobId} | `?force=true` | DeleteJobExecution |
 * | GET, POST, DELETE | /admin/faults | see FaultsInput | read, plan, clear faults |
 */

export interface DeviceCertificatePaths {
  readonly certFile: string;
  readonly keyFile: string;
}

export interface SimulatorStateSnapshot {
  readonly things: readonly string[];
  readonly jobs: readonly SimJob[];
  readonly executions: readonly SimExecution[];
  readonly faults: FaultSnapshot;
}

/** What the admin routes act on (the Simulator implements it). */
export interface SimulatorAdmin {
  createJob(input: CreateJobInput): SimJob;
  cancelJob(jobId: string, options?: { readonly force?: boolean | undefined }): void;
  cancelExecution(thingName: string, jobId: string, options?: { readonly force?: boolean | undefined }): void;
  deleteExecution(thingName: string, jobId: string, options?: { readonly force?: boolean | undefined }): void;
  addThing(thingName: string): Promise<DeviceCertificatePaths>;
  executions(thingName?: string): SimExecution[];
  snapshot(): SimulatorStateSnapshot;
  readonly faults: FaultPlan;
}

const count = z.number().int().nonnegative();

const CreateJobBody = z.strictObject({
  jobId: z.string(),
  document: z.record(z.string(), z.unknown()),
  targets: z.array(z.string()).min(1),
  namespaceId: z.string().optional(),
  inProgressTimeoutInMinutes: z.number().int().optional(),
});
const ForceBody = z.strictObject({ force: z.boolean().optional() });
const ThingBody = z.strictObject({ thingName: z.string() });

/** The body of POST /admin/faults: every field optional, each sets that fault. */
export const FaultsInput = z.strictObject({
  dropNotifications: count.optional(),
  delayNotificationsMs: count.optional(),
  failRequests: z.strictObject({ count, code: z.enum(REJECTED_CODES).optional() }).optional(),
  throttleHttp: count.optional(),
  failHttp: count.optional(),
  failPage: z.strictObject({ page: z.number().int().min(1), times: count.optional() }).optional(),
});
export type FaultsInput = z.infer<typeof FaultsInput>;

/** Applies a FaultsInput to a plan (also used by the CLI in-process). */
export function planFaults(faults: FaultPlan, input: FaultsInput): void {
  if (input.dropNotifications !== undefined) faults.dropNotifications(input.dropNotifications);
  if (input.delayNotificationsMs !== undefined) faults.delayNotifications(input.delayNotificationsMs);
  if (input.failRequests !== undefined)
    faults.failRequests(input.failRequests.count, input.failRequests.code);
  if (input.throttleHttp !== undefined) faults.throttleHttp(input.throttleHttp);
  if (input.failHttp !== undefined) faults.failHttp(input.failHttp);
  if (input.failPage !== undefined) faults.failPage(input.failPage.page, input.failPage.times);
}

async function jsonBody<T>(req: IncomingMessage, schema: z.ZodType<T>): Promise<T> {
  const raw = await readBody(req);
  const text = raw.toString('utf8').trim();
  let value: unknown = {};
  if (text !== '') {
    try {
      value = JSON.parse(text);
    } catch {
      throw new SimulatorError('InvalidRequestException', 'the body is not valid JSON');
    }
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new SimulatorError('InvalidRequestException', z.prettifyError(parsed.error));
  return parsed.data;
}

/** Serves one `/admin/...` request. */
export async function handleAdmin(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  admin: SimulatorAdmin,
): Promise<void> {
  try {
    await route(req, res, url, admin);
  } catch (error) {
    if (error instanceof SimulatorError) {
      sendAwsError(res, error.status, error.type, error.message);
      return;
    }
    if (error instanceof RangeError || error instanceof URIError) {
      sendAwsError(res, 400, 'InvalidRequestException', error.message);
      return;
    }
    throw error;
  }
}

async function route(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  admin: SimulatorAdmin,
): Promise<void> {
  const segments = url.pathname.split('/').slice(2).map(decodeURIComponent);
  const method = req.method ?? 'GET';
  const [first, second, third, fourth, fifth] = segments;
  const force = { force: url.searchParams.get('force') === 'true' };

  if (first === 'state' && segments.length === 1 && method === 'GET') {
    sendJson(res, 200, admin.snapshot());
  } else if (first === 'faults' && segments.length === 1) {
    if (method === 'POST') planFaults(admin.faults, await jsonBody(req, FaultsInput));
    else if (method === 'DELETE') admin.faults.clear();
    else if (method !== 'GET') {
      notFound(res);
      return;
    }
    sendJson(res, 200, admin.faults.snapshot());
  } else if (first === 'jobs' && segments.length === 1 && method === 'POST') {
    const body = await jsonBody(req, CreateJobBody);
    sendJson(res, 201, admin.createJob(body));
  } else if (
    first === 'jobs' &&
    second !== undefined &&
    third === 'cancel' &&
    segments.length === 3 &&
    method === 'POST'
  ) {
    admin.cancelJob(second, await jsonBody(req, ForceBody));
    sendJson(res, 200, { jobId: second });
  } else if (first === 'things' && segments.length === 1 && method === 'POST') {
    const { thingName } = await jsonBody(req, ThingBody);
    sendJson(res, 201, { thingName, ...(await admin.addThing(thingName)) });
  } else if (
    first === 'things' &&
    second !== undefined &&
    third === 'executions' &&
    segments.length === 3 &&
    method === 'GET'
  ) {
    sendJson(res, 200, { executions: admin.executions(second) });
  } else if (first === 'things' && second !== undefined && third === 'jobs' && fourth !== undefined) {
    if (fifth === 'cancel' && segments.length === 5 && method === 'POST') {
      admin.cancelExecution(second, fourth, await jsonBody(req, ForceBody));
    } else if (segments.length === 4 && method === 'DELETE') {
      admin.deleteExecution(second, fourth, force);
    } else {
      notFound(res);
      return;
    }
    sendJson(res, 200, { thingName: second, jobId: fourth });
  } else {
    notFound(res);
  }
}

function notFound(res: ServerResponse): void {
  sendAwsError(res, 404, 'ResourceNotFoundException', 'no such admin route');
}
