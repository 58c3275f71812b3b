import type { Clock } from '../clock.js';
import type { ExecutionSource } from '../events.js';
import type { UpdateReply } from '../protocol/messages.js';
import type { StartNextRequest, UpdateRequest } from '../protocol/requests.js';
import type { JobExecution } from '../protocol/types.js';
import type { JobsRequester, PendingExecutions } from './jobs-requester.js';
import { retryRejected, type RetryPolicy } from './retry.js';

export interface JobsClientOptions {
  readonly requester: JobsRequester;
  /** Describe and update go to this namespace's topics when set. */
  readonly namespaceId?: string | undefined;
  readonly clock: Clock;
  readonly random: () => number;
  readonly retry: RetryPolicy;
  /** Every execution a reply carries goes here, to be merged into the table (and emitted). */
  readonly observe: (executions: readonly JobExecution[], source: ExecutionSource) => void;
}

/** Per-call overrides: the outbox retries for as long as the service throttles. */
export interface CallOptions {
  readonly retry?: RetryPolicy | undefined;
  readonly signal?: AbortSignal | undefined;
}

/**
 * The jobs API as the agent uses it: the requester's single exchanges, with throttling and
 * internal errors retried (capped full-jitter backoff on the agent's Clock) and every execution a
 * reply reveals merged into the table through the one merge rule.
 */
export class JobsClient {
  readonly #options: JobsClientOptions;

  constructor(options: JobsClientOptions) {
    this.#options = options;
  }

  get namespaceId(): string | undefined {
    return this.#options.namespaceId;
  }

  async getPending(call: CallOptions = {}): Promise<PendingExecutions> {
    const pending = await this.#retry(() => this.#options.requester.getPending(), call);
    this.#options.observe([...pending.inProgress, ...pending.queued], 'get');
    return pending;
  }

  /** DescribeJobExecution (`$next` allowed); the execution is merged into the table. */
  async describe(jobId: string, call: CallOptions = {}): Promise<JobExecution | null> {
    const execution = await this.#retry(
      () => this.#options.requester.describe(jobId, this.#options.namespaceId),
      call,
    );
    if (execution) this.#options.observe([execution], 'describe');
    return execution;
  }

  async startNext(
    request: Omit<StartNextRequest, 'clientToken'>,
    call: CallOptions = {},
  ): Promise<JobExecution | null> {
    const execution = await this.#retry(() => this.#options.requester.startNext(request), call);
    if (execution) this.#options.observe([execution], 'start-next');
    return execution;
  }

  /**
   * One UpdateJobExecution (retried only when throttled). The caller merges the outcome: only it
   * knows which execution number the update was meant for.
   */
  update(
    jobId: string,
    request: Omit<UpdateRequest, 'clientToken'>,
    call: CallOptions = {},
  ): Promise<UpdateReply> {
    return this.#retry(() => this.#options.requester.update(jobId, request, this.#options.namespaceId), call);
  }

  observe(executions: readonly JobExecution[], source: ExecutionSource): void {
    this.#options.observe(executions, source);
  }

  #retry<T>(attempt: () => Promise<T>, call: CallOptions): Promise<T> {
    return retryRejected(attempt, {
      clock: this.#options.clock,
      random: this.#options.random,
      policy: call.retry ?? this.#options.retry,
      signal: call.signal,
    });
  }
}
