import type { ExecutionStatus, JobDocument, JobExecution, StatusDetails } from './types.js';

/** What the decoders in codec.ts turn each inbound AWS IoT Jobs payload into. */

/** `execution.status` and friends, as sent; an unknown status is kept and warned about. */
export interface ExecutionStateSnapshot {
  readonly status: ExecutionStatus;
  readonly statusDetails?: StatusDetails;
  readonly versionNumber?: number;
}

/** notify (JobExecutionsChanged): each execution's status comes from its list's key. */
export interface NotifyMessage {
  readonly timestamp?: number;
  readonly executions: JobExecution[];
}

/** notify-next (NextJobExecutionChanged): `null` when nothing is pending any more. */
export interface NotifyNextMessage {
  readonly timestamp?: number;
  readonly execution: JobExecution | null;
}

/** get/accepted (GetPendingJobExecutions). */
export interface GetPendingReply {
  readonly clientToken?: string;
  readonly timestamp?: number;
  readonly inProgress: JobExecution[];
  readonly queued: JobExecution[];
}

/** start-next/accepted and {jobId}/get/accepted: `null` when there is no such execution. */
export interface ExecutionReply {
  readonly clientToken?: string;
  readonly timestamp?: number;
  readonly execution: JobExecution | null;
}

/** {jobId}/update/accepted: state and document only when the request asked for them. */
export interface UpdateReply {
  readonly clientToken?: string;
  readonly timestamp?: number;
  readonly executionState?: ExecutionStateSnapshot;
  readonly jobDocument?: JobDocument;
}

/** Any `/rejected` reply. `code` is kept as sent (the set is open). */
export interface RejectedReply {
  readonly code: string;
  readonly message?: string;
  readonly clientToken?: string;
  readonly timestamp?: number;
  readonly executionState?: ExecutionStateSnapshot;
}
