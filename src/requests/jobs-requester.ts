import { RejectedError, TransportError } from '../errors.js';
import {
  decodeDescribeAccepted,
  decodeGetPendingAccepted,
  decodeRejected,
  decodeStartNextAccepted,
  decodeUpdateAccepted,
  readClientToken,
  type DecodeResult,
} from '../protocol/codec.js';
import type { UpdateReply } from '../protocol/messages.js';
import {
  encodeDescribeRequest,
  encodeGetPendingRequest,
  encodeStartNextRequest,
  encodeUpdateRequest,
  type StartNextRequest,
  type UpdateRequest,
} from '../protocol/requests.js';
import {
  requestTopic,
  type JobsScope,
  type ReplyOutcome,
  type RequestOperation,
} from '../protocol/topics.js';
import type { JobExecution } from '../protocol/types.js';
import type { PendingRequests } from '../transport/correlation.js';
import type { JobsTransport } from '../transport/transport.js';

/** A reply as it arrived, before decoding: the requester decodes it for the operation it sent. */
export interface RawReply {
  readonly outcome: ReplyOutcome;
  readonly topic: string;
  readonly payload: Uint8Array;
}

export interface PendingExecutions {
  readonly inProgress: readonly JobExecution[];
  readonly queued: readonly JobExecution[];
}

export interface JobsRequesterOptions {
  readonly scope: JobsScope;
  /** The transport, when connected and subscribed to the reply topics; undefined otherwise. */
  readonly readyTransport: () => JobsTransport | undefined;
  readonly pending: PendingRequests<RawReply>;
  readonly randomUUID: () => string;
  readonly timeoutMs: number;
}

/**
 * Request/response over the jobs MQTT API. Replies are correlated by a fresh `clientToken` per
 * request (works on MQTT 3.1.1, unlike MQTT 5 correlation data). The agent subscribes to the
 * reply topics before it reports ready, so no request is published before its reply can arrive.
 */
export class JobsRequester {
  readonly #options: JobsRequesterOptions;

  constructor(options: JobsRequesterOptions) {
    this.#options = options;
  }

  /** Routes a reply to its waiting request; false when nobody waits for it (late or foreign). */
  handleReply(reply: RawReply): boolean {
    const clientToken = readClientToken(reply.payload);
    if (clientToken === undefined) return false;
    return this.#options.pending.resolve(clientToken, reply);
  }

  /** GetPendingJobExecutions: the IN_PROGRESS and QUEUED executions (AWS caps the list; see README). */
  async getPending(): Promise<PendingExecutions> {
    const reply = await this.#request('get', undefined, (clientToken) =>
      encodeGetPendingRequest({ clientToken }),
    );
    const decoded = unwrap(decodeGetPendingAccepted(reply.topic, reply.payload));
    return { inProgress: decoded.inProgress, queued: decoded.queued };
  }

  /** DescribeJobExecution for a job id or `$next`; null when `$next` finds nothing pending. */
  async describe(jobId: string, namespaceId?: string): Promise<JobExecution | null> {
    const reply = await this.#request(
      'describe',
      jobId,
      (clientToken) => encodeDescribeRequest({ clientToken, includeJobDocument: true }),
      namespaceId,
    );
    return unwrap(decodeDescribeAccepted(reply.topic, reply.payload)).execution;
  }

  /** StartNextPendingJobExecution; null when nothing is pending. */
  async startNext(request: Omit<StartNextRequest, 'clientToken'> = {}): Promise<JobExecution | null> {
    const reply = await this.#request('start-next', undefined, (clientToken) =>
      encodeStartNextRequest({ ...request, clientToken }),
    );
    return unwrap(decodeStartNextAccepted(reply.topic, reply.payload)).execution;
  }

  /**
   * UpdateJobExecution, one exchange (no retry). Rejects with RejectedError carrying the AWS code
   * and, for VersionMismatch and InvalidStateTransition, the service's `executionState`.
   */
  async update(
    jobId: string,
    request: Omit<UpdateRequest, 'clientToken'>,
    namespaceId?: string,
  ): Promise<UpdateReply> {
    const reply = await this.#request(
      'update',
      jobId,
      (clientToken) => encodeUpdateRequest({ ...request, clientToken }),
      namespaceId,
    );
    return unwrap(decodeUpdateAccepted(reply.topic, reply.payload));
  }

  async #request(
    operation: RequestOperation,
    jobId: string | undefined,
    encode: (clientToken: string) => string,
    namespaceId?: string,
  ): Promise<RawReply> {
    const { scope, pending, randomUUID, timeoutMs } = this.#options;
    const clientToken = randomUUID();
    // Encoding first: a bad input is a ConfigError whether or not the agent is connected.
    const body = encode(clientToken);
    const transport = this.#options.readyTransport();
    if (!transport) throw new TransportError(`${operation} needs a connection; the agent is not connected`);
    const topic = requestTopic(
      namespaceId === undefined ? { thingName: scope.thingName } : { ...scope, namespaceId },
      operation,
      jobId,
    );
    const replied = pending.register(clientToken, operation, timeoutMs);
    // It may settle (timeout, stop) while the publish is still in flight; it is awaited below.
    replied.catch(() => undefined);
    try {
      await transport.publish(topic, body);
    } catch (error) {
      pending.reject(clientToken, error instanceof Error ? error : new TransportError(String(error)));
    }
    const reply = await replied;
    if (reply.outcome === 'accepted') return reply;
    const rejected = unwrap(decodeRejected(reply.topic, reply.payload));
    throw new RejectedError(
      jobId === undefined ? operation : `${operation} ${jobId}`,
      rejected.code,
      rejected.message,
      rejected.executionState,
    );
  }
}

function unwrap<T>(result: DecodeResult<T>): T {
  if (result.ok) return result.value;
  throw result.error;
}
