/**
 * iot-jobs-agent: a device-side AWS IoT Jobs agent. This file is the whole public surface.
 */
export { JobsAgent } from './agent.js';
export type { AgentDependencies, AgentState } from './agent.js';
export type { AgentOptions } from './config/schema.js';
export type {
  ConnectedEvent,
  DisconnectedEvent,
  ErrorEvent,
  ExecutionAddedEvent,
  ExecutionRemovedEvent,
  ExecutionSource,
  ExecutionUpdatedEvent,
  JobCanceledEvent,
  JobEventBase,
  JobFailedEvent,
  JobLifecycleEventName,
  JobProgressEvent,
  JobRejectedEvent,
  JobStartedEvent,
  JobSucceededEvent,
  JobTimedOutEvent,
  JobsAgentEventName,
  JobsAgentEvents,
  NextExecutionChangedEvent,
  ReconcileReport,
  ReconciledEvent,
} from './events.js';
export { JOBS_AGENT_EVENT_NAMES } from './events.js';
export type {
  Checkpoint,
  DocumentValidator,
  HandleOptions,
  JobContext,
  JobDocumentObject,
  JobHandler,
  JobHandlerReturn,
  JobOutcomeStatus,
  JobResult,
  LifecycleOptions,
  ProgressOptions,
  StandardSchemaLike,
  StandardSchemaResult,
} from './lifecycle/types.js';
export type { UpdateOptions } from './lifecycle/lifecycle.js';
export type { OutboxEntry as PendingUpdate } from './lifecycle/outbox.js';
export type { RunOutcome, RunPhase, RunRecord } from './lifecycle/journal.js';
export { FileLifecycleStore, MemoryLifecycleStore } from './lifecycle/state-store.js';
export type { LifecycleSnapshot, LifecycleStore } from './lifecycle/state-store.js';
export type { PendingExecutions } from './requests/jobs-requester.js';
export { DEFAULT_REQUEST_RETRY } from './requests/retry.js';
export type { RetryPolicy } from './requests/retry.js';
export {
  AbortedError,
  CacheError,
  ClosedError,
  ConfigError,
  ConnectError,
  CredentialsError,
  HttpError,
  InvalidRequestError,
  JOBS_AGENT_ERROR_CODES,
  JobsAgentError,
  PaginationError,
  ProtocolError,
  REJECTED_CODES,
  RejectedError,
  ResourceNotFoundError,
  ServiceUnavailableError,
  ThrottlingError,
  TimeoutError,
  TransportError,
  isJobsAgentError,
} from './errors.js';
export type { ConfigIssue, JobsAgentErrorCode, RejectedCode } from './errors.js';
export {
  DEVICE_SETTABLE_STATUSES,
  JOB_STATUSES,
  TERMINAL_STATUSES,
  isJobStatus,
  isTerminalStatus,
} from './protocol/types.js';
export type {
  DeviceSettableStatus,
  ExecutionStatus,
  JobDocument,
  JobExecution,
  JobStatus,
  StatusDetails,
} from './protocol/types.js';
export { systemClock } from './clock.js';
export type { Cancel, Clock } from './clock.js';
export { createJsonLogger, silentLogger } from './logger.js';
export type { LogFields, Logger, LogLevel } from './logger.js';
export type { CacheSnapshot, ExecutionCache } from './cache/execution-cache.js';
export { MemoryExecutionCache } from './cache/memory-cache.js';
export { FileExecutionCache } from './cache/file-cache.js';
export type { ExecutionListSource } from './reconcile/source.js';
export type { AwsCredentials, CredentialsProvider } from './http/credentials.js';
export type {
  ConnectResult,
  JobsTransport,
  TransportFactory,
  TransportHandlers,
} from './transport/transport.js';
