import { z } from 'zod';
import type { JobExecution } from '../protocol/types.js';
import { fastReadListPage } from './fast-list-response.js';

/**
 * The ListJobExecutionsForThing response (restJson1). Timestamps are epoch seconds as JSON
 * doubles (`1.517016947E9`) and are kept as sent, fractions included. Fields the model marks
 * optional may be absent or null; unknown fields (moto adds `thingArn`) are ignored. A status
 * this library does not know is kept verbatim.
 */

const optionalNumber = z.number().nullish();
const optionalInteger = z.number().int().nullish();

const summarySchema = z.object({
  jobId: z.string().min(1),
  jobExecutionSummary: z.object({
    status: z.string().min(1),
    queuedAt: optionalNumber,
    startedAt: optionalNumber,
    lastUpdatedAt: optionalNumber,
    executionNumber: optionalInteger,
    retryAttempt: optionalInteger,
  }),
});

const responseSchema = z.object({
  executionSummaries: z.array(summarySchema).nullish(),
  nextToken: z.string().nullish(),
});

type Summary = z.infer<typeof summarySchema>;

/** One page of the listing. `nextToken` is absent on the last page. */
export interface ListPage {
  readonly executions: JobExecution[];
  readonly nextToken?: string;
}

export type ParsedListResponse = { ok: true; page: ListPage } | { ok: false; problem: string };

/**
 * Validates a decoded response body; never throws. Pages in AWS's own form take the fast reader;
 * anything it declines goes through the schema, which accepts it or names the problem.
 */
export function parseListResponse(json: unknown): ParsedListResponse {
  const page = fastReadListPage(json);
  return page === undefined ? parseListResponseBySchema(json) : { ok: true, page };
}

/** parseListResponse by the zod schema alone: the reference the fast reader is tested against. */
export function parseListResponseBySchema(json: unknown): ParsedListResponse {
  const parsed = responseSchema.safeParse(json);
  if (!parsed.success) {
    const [issue] = parsed.error.issues;
    const where = issue && issue.path.length > 0 ? issue.path.join('.') : 'body';
    return { ok: false, problem: `unexpected response shape at ${where}: ${issue?.message ?? 'invalid'}` };
  }
  const executions = (parsed.data.executionSummaries ?? []).map(toJobExecution);
  const token = parsed.data.nextToken;
  // An empty token ends the listing like a missing one: sending it back would restart it.
  return { ok: true, page: token ? { executions, nextToken: token } : { executions } };
}

function toJobExecution(summary: Summary): JobExecution {
  const s = summary.jobExecutionSummary;
  return {
    jobId: summary.jobId,
    status: s.status,
    ...(s.queuedAt == null ? {} : { queuedAt: s.queuedAt }),
    ...(s.startedAt == null ? {} : { startedAt: s.startedAt }),
    ...(s.lastUpdatedAt == null ? {} : { lastUpdatedAt: s.lastUpdatedAt }),
    ...(s.executionNumber == null ? {} : { executionNumber: s.executionNumber }),
    ...(s.retryAttempt == null ? {} : { retryAttempt: s.retryAttempt }),
  };
}
