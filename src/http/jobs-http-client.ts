import { z } from 'zod';
import { type Clock, systemClock } from '../clock.js';
import {
  AbortedError,
  ConfigError,
  type HttpError,
  PaginationError,
  TimeoutError,
  TransportError,
  describeError,
} from '../errors.js';
import { thingNameProblem } from '../protocol/names.js';
import type { JobExecution } from '../protocol/types.js';
import { MalformedResponseError, isExpiredCredentialsType, toHttpError } from './aws-error.js';
import type { AwsCredentials, CredentialsProvider } from './credentials.js';
import { startDeadline } from './deadline.js';
import { endpointProblem } from '../endpoint.js';
import { type ListAllParams, type ListPageParams, listUrl } from './list-request.js';
import { type ListPage, parseListResponse } from './list-response.js';
import { type HttpAnswer, type HttpExchange, fetchExchange } from './http-exchange.js';
import { createNodeHttpExchange } from './node-http-exchange.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy, withRetries } from './retry.js';
import { type Signer, createSigV4Signer } from './signer.js';

export type { ListPage } from './list-response.js';
export type { RetryPolicy } from './retry.js';
export type { ListAllParams, ListPageParams } from './list-request.js';

const OPERATION = 'ListJobExecutionsForThing';

export interface JobsHttpClientOptions {
  /** The control-plane endpoint, e.g. `https://iot.us-east-1.amazonaws.com` (http for loopback only). */
  readonly endpoint: string;
  /** Signing region. */
  readonly region: string;
  readonly thingName: string;
  readonly credentials: CredentialsProvider;
  /**
   * Send requests through this fetch instead of the default node:http(s) keep-alive exchange
   * (a test double, a proxying fetch).
   */
  readonly fetch?: typeof fetch | undefined;
  /** @default systemClock */
  readonly clock?: Clock | undefined;
  /** [0, 1), for backoff jitter. @default Math.random */
  readonly random?: (() => number) | undefined;
  /** @default SigV4 for service `iot` in `region` */
  readonly signer?: Signer | undefined;
  /** Overrides of DEFAULT_RETRY_POLICY. */
  readonly retry?: Partial<RetryPolicy> | undefined;
  /** Bound on one HTTP exchange (response body included). @default 10_000 */
  readonly requestTimeoutMs?: number | undefined;
  /** listAll() fails with PaginationError rather than read more pages than this. @default 1000 */
  readonly maxPages?: number | undefined;
}

const positiveInt = z.number().int().positive();
const optionsSchema = z.object({
  endpoint: z.string().superRefine((value, ctx) => {
    const problem = endpointProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  }),
  region: z.string().regex(/^[a-z0-9-]{1,64}$/, 'must be an AWS region such as us-east-1'),
  thingName: z.string().superRefine((value, ctx) => {
    const problem = thingNameProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  }),
  retry: z
    .object({
      maxAttempts: positiveInt.optional(),
      initialDelayMs: z.number().int().nonnegative().optional(),
      maxDelayMs: z.number().int().nonnegative().optional(),
      maxTotalMs: z.number().int().nonnegative().optional(),
    })
    .optional(),
  requestTimeoutMs: positiveInt.optional(),
  maxPages: positiveInt.optional(),
});

/**
 * The AWS IoT control-plane call ListJobExecutionsForThing, SigV4-signed, retried on transient
 * failures, paginated to the end by listAll(). Every failure is a typed error (HttpError and its
 * subclasses, MalformedResponseError, CredentialsError, TransportError, TimeoutError,
 * PaginationError, AbortedError, ConfigError for bad input).
 *
 * @see https://docs.aws.amazon.com/iot/latest/apireference/API_ListJobExecutionsForThing.html
 */
export class JobsHttpClient {
  readonly #endpoint: string;
  readonly #thingName: string;
  readonly #credentials: CredentialsProvider;
  readonly #exchange: HttpExchange;
  readonly #clock: Clock;
  readonly #random: () => number;
  readonly #signer: Signer;
  readonly #retry: RetryPolicy;
  readonly #requestTimeoutMs: number;
  readonly #maxPages: number;

  constructor(options: JobsHttpClientOptions) {
    const parsed = optionsSchema.safeParse(options);
    if (!parsed.success) {
      throw new ConfigError(
        parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
      );
    }
    this.#endpoint = options.endpoint;
    this.#thingName = options.thingName;
    this.#credentials = options.credentials;
    this.#exchange = options.fetch ? fetchExchange(options.fetch) : createNodeHttpExchange();
    this.#clock = options.clock ?? systemClock;
    this.#random = options.random ?? Math.random;
    this.#signer = options.signer ?? createSigV4Signer({ region: options.region, service: 'iot' });
    const retry = parsed.data.retry ?? {};
    this.#retry = {
      maxAttempts: retry.maxAttempts ?? DEFAULT_RETRY_POLICY.maxAttempts,
      initialDelayMs: retry.initialDelayMs ?? DEFAULT_RETRY_POLICY.initialDelayMs,
      maxDelayMs: retry.maxDelayMs ?? DEFAULT_RETRY_POLICY.maxDelayMs,
      maxTotalMs: retry.maxTotalMs ?? DEFAULT_RETRY_POLICY.maxTotalMs,
    };
    this.#requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
    this.#maxPages = options.maxPages ?? 1000;
  }

  /** One page. Retries transient failures; rejects with the last error once the budget is spent. */
  listPage(params: ListPageParams = {}, signal?: AbortSignal): Promise<ListPage> {
    let url: URL;
    try {
      url = listUrl(this.#endpoint, this.#thingName, params);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    let refreshedCredentials = false;
    const context = {
      operation: OPERATION,
      policy: this.#retry,
      clock: this.#clock,
      random: this.#random,
      signal,
    };
    return withRetries(context, async () => {
      try {
        return await this.#signedGet(url, signal);
      } catch (error) {
        // Temporary credentials can expire between the cache's check and AWS's: refresh once.
        if (!refreshedCredentials && error instanceof ExpiredCredentials) {
          refreshedCredentials = true;
          this.#credentials.invalidate();
          return await this.#signedGet(url, signal);
        }
        throw error;
      }
    }).catch((error: unknown) => {
      throw error instanceof ExpiredCredentials ? error.httpError : error;
    });
  }

  /**
   * Every page, in order, as one list (an execution seen twice keeps its last summary). Rejects
   * if any page fails, so a partial listing is never returned; a repeated `nextToken` or more
   * than `maxPages` pages is a PaginationError.
   */
  async listAll(params: ListAllParams = {}, signal?: AbortSignal): Promise<JobExecution[]> {
    listUrl(this.#endpoint, this.#thingName, params);
    const executions: JobExecution[] = [];
    const seenTokens = new Set<string>();
    let pagesRead = 0;
    let nextToken: string | undefined;
    do {
      if (pagesRead >= this.#maxPages) {
        throw new PaginationError(`${OPERATION} did not end within ${this.#maxPages} pages`, pagesRead);
      }
      const page = await this.listPage(nextToken === undefined ? params : { ...params, nextToken }, signal);
      pagesRead++;
      for (const execution of page.executions) executions.push(execution);
      nextToken = page.nextToken;
      if (nextToken !== undefined) {
        if (seenTokens.has(nextToken)) {
          throw new PaginationError(
            `${OPERATION} page ${pagesRead} repeated an earlier nextToken`,
            pagesRead,
          );
        }
        seenTokens.add(nextToken);
      }
    } while (nextToken !== undefined);
    return keepLastOfEachJob(executions);
  }

  /** One signed GET and its decoded page; throws typed errors. */
  async #signedGet(url: URL, signal: AbortSignal | undefined): Promise<ListPage> {
    const credentials = await this.#credentials.get(signal);
    const headers = await this.#signer.sign(
      { method: 'GET', url, headers: {} },
      credentials,
      this.#clock.now(),
    );
    const deadline = startDeadline(this.#clock, this.#requestTimeoutMs, signal);
    let answer: HttpAnswer;
    try {
      answer = await this.#exchange({ method: 'GET', url, headers, signal: deadline.signal });
    } catch (error) {
      if (signal?.aborted) throw new AbortedError(OPERATION, { cause: signal.reason });
      if (deadline.timedOut) throw new TimeoutError(OPERATION, this.#requestTimeoutMs, { cause: error });
      throw new TransportError(`${OPERATION} request failed: ${networkReason(error)}`, { cause: error });
    } finally {
      deadline.dispose();
    }
    if (answer.status < 200 || answer.status > 299) {
      const httpError = toHttpError(OPERATION, answer.status, answer.headers, answer.body);
      if (isExpired(httpError, credentials, this.#clock.now())) throw new ExpiredCredentials(httpError);
      throw httpError;
    }
    return decodePage(answer);
  }
}

/**
 * The reconciler's ExecutionListSource over this client: every page of the thing's executions,
 * 250 per page (the maximum), optionally within one namespace.
 */
export function asListSource(
  client: JobsHttpClient,
  params: ListAllParams = {},
): { listAll(signal: AbortSignal): Promise<readonly JobExecution[]> } {
  const pageParams: ListAllParams = { maxResults: 250, ...params };
  return { listAll: (signal) => client.listAll(pageParams, signal) };
}

/** Internal marker: the answer said the credentials expired (unwrapped before leaving the client). */
class ExpiredCredentials extends Error {
  readonly httpError: HttpError;

  constructor(httpError: HttpError) {
    super(httpError.message);
    this.httpError = httpError;
  }
}

/**
 * Each jobId once, at the position of its last summary (a listing that shifted between pages can
 * list a job twice; the later page is the newer). Without repeats, `executions` itself.
 */
function keepLastOfEachJob(executions: JobExecution[]): JobExecution[] {
  const lastIndex = new Map<string, number>();
  for (let index = 0; index < executions.length; index++) {
    const execution = executions[index];
    if (execution) lastIndex.set(execution.jobId, index);
  }
  if (lastIndex.size === executions.length) return executions;
  return executions.filter((execution, index) => lastIndex.get(execution.jobId) === index);
}

function isExpired(error: HttpError, credentials: AwsCredentials, nowMs: number): boolean {
  if (isExpiredCredentialsType(error.errorType)) return true;
  return error.status === 403 && credentials.expiresAt !== undefined && credentials.expiresAt <= nowMs;
}

function decodePage({ status, headers, body }: HttpAnswer): ListPage {
  const extra = { requestId: headers.get('x-amzn-requestid') ?? undefined, bodyPreview: body };
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new MalformedResponseError(OPERATION, status, undefined, 'response is not JSON', extra);
  }
  const parsed = parseListResponse(json);
  if (!parsed.ok) throw new MalformedResponseError(OPERATION, status, undefined, parsed.problem, extra);
  return parsed.page;
}

/** fetch says only "fetch failed"; the useful part (ECONNREFUSED ...) is in its cause. */
function networkReason(error: unknown): string {
  if (error instanceof Error && error.cause !== undefined) return describeError(error.cause);
  return describeError(error);
}
