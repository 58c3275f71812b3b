import type { EventEmitter } from 'eventemitter3';
import type { Clock } from './clock.js';
import { JobsAgentError, describeError } from './errors.js';
import type { JobsAgentEventName, JobsAgentEvents } from './events.js';
import type { Logger } from './logger.js';
import type { ExecutionChange } from './tracking/changes.js';

/** An event as its source builds it: everything but `at`, which the outlet stamps. */
export type EventPayload<E extends JobsAgentEventName> = Omit<JobsAgentEvents[E][0], 'at'>;

/**
 * How the agent's events leave it: stamped with `at` from the agent's clock, one per change of
 * the cache, and guarded, so a throwing listener is logged and reported (ERR_LISTENER) instead of
 * breaking the agent's own flow. An error nobody listens to goes to the log rather than throwing,
 * as a bare EventEmitter's `error` would.
 */
export class EventOutlet {
  readonly #emitter: EventEmitter<JobsAgentEvents>;
  readonly #clock: Clock;
  readonly #logger: Logger;

  constructor(emitter: EventEmitter<JobsAgentEvents>, clock: Clock, logger: Logger) {
    this.#emitter = emitter;
    this.#clock = clock;
    this.#logger = logger;
  }

  emit<E extends JobsAgentEventName>(event: E, payload: EventPayload<E>): void {
    // The payload plus `at` is the event's own type; TypeScript cannot follow that through E.
    const args = [{ at: new Date(this.#clock.now()), ...payload }] as EventEmitter.EventArgs<
      JobsAgentEvents,
      E
    >;
    try {
      this.#emitter.emit(event, ...args);
    } catch (error) {
      this.#logger.error({ err: error, event }, 'an agent event listener threw');
      if (event !== 'error') {
        this.error(
          new JobsAgentError('ERR_LISTENER', `a listener of "${event}" threw: ${describeError(error)}`, {
            cause: error,
          }),
        );
      }
    }
  }

  /** One event per change: executionAdded, executionUpdated or executionRemoved. */
  changes(changes: readonly ExecutionChange[]): void {
    for (const change of changes) {
      switch (change.kind) {
        case 'added':
          this.emit('executionAdded', { execution: change.execution, source: change.source });
          break;
        case 'updated':
          this.emit('executionUpdated', {
            execution: change.execution,
            previousStatus: change.previous.status,
            changedFields: change.changedFields,
            source: change.source,
          });
          break;
        case 'removed':
          this.emit('executionRemoved', { jobId: change.execution.jobId, execution: change.execution });
          break;
      }
    }
  }

  error(error: JobsAgentError): void {
    if (this.#emitter.listenerCount('error') === 0) {
      this.#logger.error({ err: error }, 'agent error (no error listener)');
      return;
    }
    this.emit('error', { code: error.code, message: error.message, error });
  }
}
