import { ConfigError } from '../errors.js';
import { jobIdProblem, namespaceIdProblem } from '../protocol/names.js';
import { JOB_STATUSES, type JobStatus } from '../protocol/types.js';
import { joinEndpoint } from '../endpoint.js';
import { type QueryParam, buildQueryString, encodeRfc3986 } from './uri.js';

/** ListJobExecutionsForThing filters. Every one is validated before anything is sent. */
export interface ListPageParams {
  readonly jobId?: string | undefined;
  /** Page size, 1-250. */
  readonly maxResults?: number | undefined;
  readonly namespaceId?: string | undefined;
  readonly nextToken?: string | undefined;
  /** One of JOB_STATUSES; any other string is refused (ConfigError) before sending. */
  readonly status?: JobStatus | (string & {}) | undefined;
}

export type ListAllParams = Omit<ListPageParams, 'nextToken'>;

/**
 * Validates `params` (ConfigError naming the first bad one) and builds the request URL:
 * `{endpoint}/things/{thingName}/jobs?...`, path and query RFC 3986-encoded.
 */
export function listUrl(endpoint: string, thingName: string, params: ListPageParams): URL {
  const query: QueryParam[] = [];
  if (params.jobId !== undefined) {
    const problem = jobIdProblem(params.jobId);
    if (problem) throw ConfigError.forField('jobId', problem);
    query.push(['jobId', params.jobId]);
  }
  if (params.maxResults !== undefined) {
    if (!Number.isInteger(params.maxResults) || params.maxResults < 1 || params.maxResults > 250) {
      throw ConfigError.forField('maxResults', 'must be an integer from 1 to 250');
    }
    query.push(['maxResults', String(params.maxResults)]);
  }
  if (params.namespaceId !== undefined) {
    const problem = namespaceIdProblem(params.namespaceId);
    if (problem) throw ConfigError.forField('namespaceId', problem);
    query.push(['namespaceId', params.namespaceId]);
  }
  if (params.nextToken !== undefined) {
    if (params.nextToken === '') throw ConfigError.forField('nextToken', 'must not be empty');
    query.push(['nextToken', params.nextToken]);
  }
  if (params.status !== undefined) {
    if (!(JOB_STATUSES as readonly string[]).includes(params.status)) {
      throw ConfigError.forField('status', `must be one of ${JOB_STATUSES.join(', ')}`);
    }
    query.push(['status', params.status]);
  }
  // `:` in a thing name travels as %3A; the signer encodes it once more for the canonical request.
  const url = joinEndpoint(endpoint, `/things/${encodeRfc3986(thingName)}/jobs`);
  url.search = buildQueryString(query);
  return url;
}
