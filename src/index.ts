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
  JobsAgentEventName,
  JobsAgentEvents,
  NextExecutionChangedEvent,
  ReconcileReport,
  ReconciledEvent,
} from './events.js';
export { JOBS_AGENT_EVENT_NAMES } from './events.js';
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
export { JOB_STATUSES, TERMINAL_STATUSES, isJobStatus, isTerminalStatus } from './protocol/types.js';
export type {
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
