import { systemClock } from '../clock.js';
import { loadConfigFile } from '../config/file.js';
import { ConfigError } from '../errors.js';
import { JobsHttpClient } from '../http/jobs-http-client.js';
import type { JobExecution } from '../protocol/types.js';
import { createCredentialsProvider } from '../wiring.js';
import { EXIT_OK } from './exit.js';

export interface ListCommandOptions {
  readonly configPath: string;
  readonly status: string | undefined;
  readonly jobId: string | undefined;
  readonly maxResults: string | undefined;
  readonly namespaceId: string | undefined;
  readonly stdout: (line: string) => void;
}

/** An execution in the ListJobExecutionsForThing response shape (`JobExecutionSummaryForThing`). */
export function toSummaryForThing(execution: JobExecution): Record<string, unknown> {
  const { jobId, status, queuedAt, startedAt, lastUpdatedAt, executionNumber, retryAttempt } = execution;
  const summary: Record<string, unknown> = { status };
  for (const [key, value] of Object.entries({
    queuedAt,
    startedAt,
    lastUpdatedAt,
    executionNumber,
    retryAttempt,
  })) {
    if (value !== undefined) summary[key] = value;
  }
  return { jobId, jobExecutionSummary: summary };
}

function parseMaxResults(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw ConfigError.forField('--max-results', 'must be an integer from 1 to 250');
  return Number(value);
}

/**
 * `iot-jobs-agent list`: one complete ListJobExecutionsForThing listing (every page, `--max-results`
 * being the page size), printed as `{"executionSummaries":[...]}`. Bad input never sends a request.
 */
export async function listCommand(options: ListCommandOptions): Promise<number> {
  const { resolved } = loadConfigFile(options.configPath);
  const reconcile = resolved.reconcile;
  if (!reconcile)
    throw ConfigError.forField('reconcile', 'is required for list (endpoint, region, credentials)');
  const client = new JobsHttpClient({
    endpoint: reconcile.endpoint,
    region: reconcile.region,
    thingName: resolved.thingName,
    credentials: createCredentialsProvider(reconcile.credentials, resolved, systemClock),
  });
  const maxResults = parseMaxResults(options.maxResults);
  const namespaceId = options.namespaceId ?? resolved.namespaceId;
  const executions = await client.listAll({
    ...(options.status !== undefined ? { status: options.status } : {}),
    ...(options.jobId !== undefined ? { jobId: options.jobId } : {}),
    ...(maxResults !== undefined ? { maxResults } : {}),
    ...(namespaceId !== undefined ? { namespaceId } : {}),
  });
  options.stdout(`${JSON.stringify({ executionSummaries: executions.map(toSummaryForThing) })}\n`);
  return EXIT_OK;
}
