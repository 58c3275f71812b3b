import type { ExecutionTable } from './cache/execution-table.js';
import type { Clock } from './clock.js';
import {
  ProtocolError,
  RejectedError,
  describeError,
  isJobsAgentError,
  type JobsAgentError,
} from './errors.js';
import type { Logger } from './logger.js';
import { decodeNotify, decodeNotifyNext, type DecodeResult, type KnownExecutions } from './protocol/codec.js';
import { parseJobsTopic, type ParsedJobsTopic } from './protocol/topics.js';
import type { JobsRequester } from './requests/jobs-requester.js';
import {
  applyNextNotification,
  applyNotifyList,
  applyObserved,
  type ApplyResult,
  type ExecutionChange,
} from './tracking/changes.js';

export interface RouterSink {
  changes(changes: readonly ExecutionChange[]): void;
  error(error: JobsAgentError): void;
}

export interface MessageRouterOptions {
  readonly thingName: string;
  readonly maxPayloadBytes: number;
  readonly table: ExecutionTable;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly requester: JobsRequester;
  readonly sink: RouterSink;
  /**
   * Describe said TerminalStateReached: the execution finished, but the reply does not say how.
   * Only a listing can tell, so the session asks for a prompt reconcile.
   */
  readonly onTerminalUnknown: (jobId: string) => void;
}

const MAX_REMEMBERED_TOPICS = 16;

/**
 * Turns inbound MQTT messages into table changes. Never throws: a message for another thing is
 * ignored, a malformed or oversized one becomes an `error`, and the next message is handled as usual.
 */
export class MessageRouter {
  readonly #options: MessageRouterOptions;
  /** Job ids with a describe in flight, so a burst of notifications asks once. */
  readonly #confirming = new Set<string>();
  /** The namespace each execution was announced in, so describes go to the matching topic. */
  readonly #namespaceOf = new Map<string, string>();
  /** Parsed notification topics: the same few arrive over and over. */
  readonly #notificationTopics = new Map<string, ParsedJobsTopic>();

  constructor(options: MessageRouterOptions) {
    this.#options = options;
    this.#known = (jobId, position) => options.table.held(jobId, position);
  }

  /** The cached executions, for the decoder to recognise the entries a notify repeats. */
  readonly #known: KnownExecutions;

  route(topic: string, payload: Uint8Array): void {
    try {
      this.#route(topic, payload);
    } catch (error) {
      // Defensive: decoders never throw, but a bug here must not take the connection down.
      this.#options.sink.error(
        isJobsAgentError(error)
          ? error
          : new ProtocolError(topic, `could not handle message: ${describeError(error)}`, '', {
              cause: error,
            }),
      );
    }
  }

  /** Describes every execution marked for confirmation (after a notify, or on reconnect). */
  async confirmUnconfirmed(): Promise<void> {
    await Promise.all(this.#options.table.unconfirmed().map((jobId) => this.#confirm(jobId)));
  }

  #route(topic: string, payload: Uint8Array): void {
    const { thingName, maxPayloadBytes, logger, sink } = this.#options;
    if (payload.byteLength > maxPayloadBytes) {
      sink.error(
        new ProtocolError(
          topic,
          `payload of ${payload.byteLength} bytes exceeds maxPayloadBytes (${maxPayloadBytes})`,
          Buffer.from(payload.subarray(0, 200)).toString('utf8'),
        ),
      );
      return;
    }
    const parsed = this.#parseTopic(topic);
    if (parsed?.thingName !== thingName) {
      logger.debug({ topic }, 'ignored a message that is not for this thing');
      return;
    }
    switch (parsed.kind) {
      case 'notify':
        this.#onDecoded(decodeNotify(topic, payload, this.#known), parsed, (message, now) =>
          applyNotifyList(this.#options.table, message.executions, now),
        );
        return;
      case 'notify-next':
      case 'job-notify':
        this.#onDecoded(decodeNotifyNext(topic, payload), parsed, (message, now) =>
          applyNextNotification(this.#options.table, message.execution, now),
        );
        return;
      case 'reply':
        if (!this.#options.requester.handleReply({ outcome: parsed.outcome, topic, payload })) {
          logger.debug({ topic }, 'a reply nobody waits for (late, or another client of this thing)');
        }
        return;
      case 'request':
        return;
    }
  }

  #parseTopic(topic: string): ParsedJobsTopic | undefined {
    const known = this.#notificationTopics.get(topic);
    if (known) return known;
    const parsed = parseJobsTopic(topic);
    const repeats = parsed?.kind === 'notify' || parsed?.kind === 'notify-next';
    // Bounded: only subscribed topics arrive, and those are a handful per thing.
    if (repeats && this.#notificationTopics.size < MAX_REMEMBERED_TOPICS) {
      this.#notificationTopics.set(topic, parsed);
    }
    return parsed;
  }

  #onDecoded<T>(
    result: DecodeResult<T>,
    topic: ParsedJobsTopic,
    apply: (message: T, nowMs: number) => ApplyResult,
  ): void {
    if (!result.ok) {
      this.#options.sink.error(result.error);
      return;
    }
    for (const warning of result.warnings) this.#options.logger.warn({ kind: topic.kind }, warning);
    const applied = apply(result.value, this.#options.clock.now());
    if (topic.namespaceId !== undefined) {
      for (const change of applied.changes) this.#namespaceOf.set(change.execution.jobId, topic.namespaceId);
    }
    this.#options.sink.changes(applied.changes);
    for (const jobId of applied.toConfirm) void this.#confirm(jobId);
  }

  /**
   * Asks the service for the current state of one execution. ResourceNotFound means it was deleted
   * in the service; TerminalStateReached leaves it for the next complete reconcile to settle.
   */
  async #confirm(jobId: string): Promise<void> {
    if (this.#confirming.has(jobId)) return;
    this.#confirming.add(jobId);
    const { table, clock, sink, requester } = this.#options;
    try {
      const execution = await requester.describe(jobId, this.#namespaceOf.get(jobId));
      if (execution) {
        sink.changes(applyObserved(table, [execution], 'describe', clock.now()));
        table.confirm(jobId);
      }
    } catch (error) {
      if (error instanceof RejectedError && error.rejectedCode === 'ResourceNotFound') {
        const removed = table.remove(jobId);
        this.#namespaceOf.delete(jobId);
        if (removed) sink.changes([{ kind: 'removed', execution: removed }]);
      } else if (error instanceof RejectedError && error.rejectedCode === 'TerminalStateReached') {
        this.#options.onTerminalUnknown(jobId);
      } else {
        sink.error(isJobsAgentError(error) ? error : new ProtocolError('describe', describeError(error), ''));
      }
    } finally {
      this.#confirming.delete(jobId);
    }
  }
}
