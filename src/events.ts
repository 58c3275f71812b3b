import type { JobsAgentErrorCode, JobsAgentError } from './errors.js';
import type { ExecutionStatus, JobExecution, StatusDetails } from './protocol/types.js';

/**
 * Where the agent learned what it reports. `start-next` and `update` are the service's replies to
 * the device's own requests; `local` is a status update the device made that the service has not
 * accepted yet (it is queued in the outbox, and shown at once).
 */
export type ExecutionSource =
  'notify' | 'notify-next' | 'get' | 'describe' | 'start-next' | 'update' | 'local' | 'reconcile' | 'cache';

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

/** Fields every job lifecycle event carries: which execution, run by which handler. */
export interface JobEventBase {
  readonly at: Date;
  readonly jobId: string;
  readonly executionNumber?: number | undefined;
  /** The job document's `operation` (absent when the document names none). */
  readonly operation?: string | undefined;
}

/** A handler was called for an execution (IN_PROGRESS has been accepted by the service). */
export interface JobStartedEvent extends JobEventBase {
  readonly operation: string;
  /** True when an execution interrupted by a restart is handed back to its handler. */
  readonly resuming: boolean;
  readonly execution: JobExecution;
}

/** A progress update left the coalescer (at most one per `progressIntervalMs` per execution). */
export interface JobProgressEvent extends JobEventBase {
  readonly operation: string;
  readonly statusDetails: StatusDetails;
  readonly stepTimeoutInMinutes?: number | undefined;
}

/** The handler succeeded; SUCCEEDED is queued for delivery (durably). */
export interface JobSucceededEvent extends JobEventBase {
  readonly operation: string;
  readonly statusDetails?: StatusDetails | undefined;
  readonly durationMs: number;
}

/**
 * FAILED is queued for delivery: the handler threw or returned FAILED, or the execution was
 * interrupted by a restart and no handler can resume it (`interrupted`).
 */
export interface JobFailedEvent extends JobEventBase {
  readonly statusDetails: StatusDetails;
  /** The bounded message that also went into statusDetails.reason (when there is one). */
  readonly reason?: string | undefined;
  readonly interrupted: boolean;
  readonly durationMs?: number | undefined;
}

/** REJECTED is queued: an invalid job document, no handler (`unhandledJobs: 'reject'`), or the handler's choice. */
export interface JobRejectedEvent extends JobEventBase {
  readonly reason: string;
}

/**
 * The service ended an execution this device was running (CANCELED, REMOVED, deleted, or a
 * terminal status set elsewhere): the handler's signal was aborted and no status will be sent.
 */
export interface JobCanceledEvent extends JobEventBase {
  readonly operation: string;
  /** The status the service reported; absent when the execution was deleted or its state unknown. */
  readonly status?: ExecutionStatus | undefined;
  readonly deleted: boolean;
}

/**
 * An execution's step timer ran out: the local watchdog fired (the handler was aborted in time)
 * or the service reported TIMED_OUT. The device sends no status: TIMED_OUT is the service's.
 */
export interface JobTimedOutEvent extends JobEventBase {
  readonly operation: string;
  readonly detectedBy: 'watchdog' | 'service';
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
  jobStarted: [event: JobStartedEvent];
  jobProgress: [event: JobProgressEvent];
  jobSucceeded: [event: JobSucceededEvent];
  jobFailed: [event: JobFailedEvent];
  jobRejected: [event: JobRejectedEvent];
  jobCanceled: [event: JobCanceledEvent];
  jobTimedOut: [event: JobTimedOutEvent];
  error: [event: ErrorEvent];
}

/** The job lifecycle events (only emitted once a handler is registered with `handle()`). */
export type JobLifecycleEventName =
  'jobStarted' | 'jobProgress' | 'jobSucceeded' | 'jobFailed' | 'jobRejected' | 'jobCanceled' | 'jobTimedOut';

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
  'jobStarted',
  'jobProgress',
  'jobSucceeded',
  'jobFailed',
  'jobRejected',
  'jobCanceled',
  'jobTimedOut',
  'error',
];
