import { isJobId, isNamespaceId } from '../protocol/names.js';
import { isJobStatus, type JobStatus } from '../protocol/types.js';
import type { SimExecution } from './jobs-model.js';

/**
 * ListJobExecutionsForThing (reference §3) as pure functions: query validation with the AWS
 * constraints, opaque page tokens, and the restJson1 response shape (timestamps as epoch-second
 * numbers, `nextToken` absent on the last page).
 */

export interface ListQuery {
  readonly status?: JobStatus;
  readonly jobId?: string;
  readonly namespaceId?: string;
  readonly maxResults: number;
  /** 0-based index of the first execution of this page. */
  readonly offset: number;
  /** 1-based page number (1 when there is no nextToken); fault injection targets pages by it. */
  readonly page: number;
}

export type ListQueryResult =
  { readonly ok: true; readonly value: ListQuery } | { readonly ok: false; readonly message: string };

/** The page size when `maxResults` is absent: AWS does not document one; moto uses 50. */
export const DEFAULT_MAX_RESULTS = 50;

interface TokenContent {
  readonly v: 1;
  readonly offset: number;
  readonly page: number;
  readonly filter: string;
}

function filterKey(
  status: string | undefined,
  jobId: string | undefined,
  namespaceId: string | undefined,
): string {
  return `${status ?? ''}|${jobId ?? ''}|${namespaceId ?? ''}`;
}

export function encodeNextToken(content: Omit<TokenContent, 'v'>): string {
  return Buffer.from(JSON.stringify({ v: 1, ...content })).toString('base64url');
}

function decodeNextToken(token: string): TokenContent | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (typeof value !== 'object' || value === null) return undefined;
    const { v, offset, page, filter } = value as Record<string, unknown>;
    if (v !== 1 || typeof filter !== 'string') return undefined;
    if (!Number.isInteger(offset) || !Number.isInteger(page)) return undefined;
    return { v, offset: offset as number, page: page as number, filter };
  } catch {
    return undefined;
  }
}

const constraint = (value: string, field: string, rule: string): string =>
  `1 validation error detected: Value '${value.slice(0, 64)}' at '${field}' failed to satisfy constraint: ${rule}`;

/** Validates the query string of a listing call. */
export function parseListQuery(params: URLSearchParams): ListQueryResult {
  const status = params.get('status') ?? undefined;
  const jobId = params.get('jobId') ?? undefined;
  const namespaceId = params.get('namespaceId') ?? undefined;
  const maxResultsText = params.get('maxResults') ?? undefined;
  const nextToken = params.get('nextToken') ?? undefined;
  if (status !== undefined && !isJobStatus(status)) {
    return { ok: false, message: constraint(status, 'status', 'Member must satisfy enum value set') };
  }
  if (jobId !== undefined && !isJobId(jobId)) {
    return {
      ok: false,
      message: constraint(jobId, 'jobId', 'Member must satisfy regular expression pattern: [a-zA-Z0-9_-]+'),
    };
  }
  if (namespaceId !== undefined && !isNamespaceId(namespaceId)) {
    return {
      ok: false,
      message: constraint(
        namespaceId,
        'namespaceId',
        'Member must satisfy regular expression pattern: [a-zA-Z0-9_-]+',
      ),
    };
  }
  let maxResults = DEFAULT_MAX_RESULTS;
  if (maxResultsText !== undefined) {
    maxResults = /^-?\d+$/.test(maxResultsText) ? Number(maxResultsText) : Number.NaN;
    if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 250) {
      return {
        ok: false,
        message: constraint(maxResultsText, 'maxResults', 'Member must have value between 1 and 250'),
      };
    }
  }
  let offset = 0;
  let page = 1;
  if (nextToken !== undefined) {
    const token = decodeNextToken(nextToken);
    if (token?.filter !== filterKey(status, jobId, namespaceId) || token.offset < 0 || token.page < 2) {
      return { ok: false, message: 'The nextToken is invalid or does not belong to this query.' };
    }
    offset = token.offset;
    page = token.page;
  }
  return {
    ok: true,
    value: {
      ...(status !== undefined && { status }),
      ...(jobId !== undefined && { jobId }),
      ...(namespaceId !== undefined && { namespaceId }),
      maxResults,
      offset,
      page,
    },
  };
}

export interface ExecutionSummaryForThing {
  readonly jobId: string;
  readonly jobExecutionSummary: {
    readonly status: JobStatus;
    readonly queuedAt: number;
    readonly startedAt?: number;
    readonly lastUpdatedAt: number;
    readonly executionNumber: number;
  };
}

export interface ListPage {
  readonly executionSummaries: ExecutionSummaryForThing[];
  readonly nextToken?: string;
}

/**
 * One page of a thing's executions (all namespaces unless `namespaceId` filters), in creation
 * order. Without `namespaceId` every namespace is listed, so Greengrass-style namespaced
 * executions show up as they do in AWS (reference §2.3).
 */
export function listPage(executions: readonly SimExecution[], query: ListQuery): ListPage {
  const matching = executions.filter(
    (e) =>
      (query.status === undefined || e.status === query.status) &&
      (query.jobId === undefined || e.jobId === query.jobId) &&
      (query.namespaceId === undefined || e.namespaceId === query.namespaceId),
  );
  const slice = matching.slice(query.offset, query.offset + query.maxResults);
  const end = query.offset + slice.length;
  const executionSummaries = slice.map((e) => ({
    jobId: e.jobId,
    jobExecutionSummary: {
      status: e.status,
      queuedAt: e.queuedAt,
      ...(e.startedAt !== undefined && { startedAt: e.startedAt }),
      lastUpdatedAt: e.lastUpdatedAt,
      executionNumber: e.executionNumber,
    },
  }));
  if (end >= matching.length) return { executionSummaries };
  const nextToken = encodeNextToken({
    offset: end,
    page: query.page + 1,
    filter: filterKey(query.status, query.jobId, query.namespaceId),
  });
  return { executionSummaries, nextToken };
}
