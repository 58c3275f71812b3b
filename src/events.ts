import type { JobsAgentErrorCode, JobsAgentError } from './errors.js';
import type { ExecutionStatus, JobExecution } from './protocol/types.js';

/** Where the agent learned what it reports. */
export type ExecutionSource = 'notify' | 'notify-next' | 'get' | 'describe' | 'reconcile' | 'cache';

export interface ConnectedEvent {
  readonly at: Date;
  /** Whether the broker kept the persistent session (subscriptions are confirmed either way). */
  readonly sessionPresent: boolean;
}

export interface DisconnectedEvent {
  readonly at: Date;
  readonly reason: string;
}

export interface ExecutionAddedEvent {
  readonly at: Date;
  readonly execution: JobExecution;
  readonly source: ExecutionSource;
}

export interface ExecutionUpdatedEvent {
  readonly at: Date;
  readonly execution: JobExecution;
  readonly previousStatus: ExecutionStatus;
  /** The fields whose value changed, so a listener can tell a status change from new details. */
  readonly changedFields: readonly (keyof JobExecution)[];
  readonly source: ExecutionSource;
}

export interface ExecutionRemovedEvent {
  readonly at: Date;
  readonly jobId: string;
  /** The last state the agent knew. */
  readonly execution: JobExecution;
}

export interface NextExecutionChangedEvent {
  readonly at: Date;
  /** The execution AWS IoT Jobs would hand out next, or null when nothing is pending. */
  readonly execution: JobExecution | null;
}

/** The outcome of one complete reconcile. */
export interface ReconcileReport {
  readonly added: number;
  readonly updated: number;
  readonly removed: number;
  /** Executions in the cache afterwards, terminal ones included. */
  readonly total: number;
  readonly durationMs: number;
}

export interface ReconciledEvent extends ReconcileReport {
  readonly at: Date;
}

export interface ErrorEvent {
  readonly at: Date;
  readonly code: JobsAgentErrorCode;
  readonly message: string;
  /** The typed error, with its `cause`. */
  readonly error: JobsAgentError;
}

/** Every event a JobsAgent emits; each listener receives one payload object. */
export interface JobsAgentEvents {
  connected: [event: ConnectedEvent];
  disconnected: [event: DisconnectedEvent];
  executionAdded: [event: ExecutionAddedEvent];
  executionUpdated: [event: ExecutionUpdatedEvent];
  executionRemoved: [event: ExecutionRemovedEvent];
  nextExecutionChanged: [event: NextExecutionChangedEvent];
  reconciled: [event: ReconciledEvent];
  error: [event: ErrorEvent];
}

export type JobsAgentEventName = keyof JobsAgentEvents;

/** The event names, in the order of the README's table. */
export const JOBS_AGENT_EVENT_NAMES: readonly JobsAgentEventName[] = [
  'connected',
  'disconnected',
  'executionAdded',
  'executionUpdated',
  'executionRemoved',
  'nextExecutionChanged',
  'reconciled',
  'error',
];
