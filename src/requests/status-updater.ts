import { RejectedError } from '../errors.js';
import type { ExecutionStateSnapshot } from '../protocol/messages.js';
import { isDeepEqual } from '../cache/merge.js';
import {
  isTerminalStatus,
  type DeviceSettableStatus,
  type JobExecution,
  type StatusDetails,
} from '../protocol/types.js';
import type { CallOptions, JobsClient } from './jobs-client.js';

/** One status change of one execution, as the device decided it. */
export interface StatusUpdate {
  readonly jobId: string;
  /** Pins the update to the execution it was decided for (a re-run has a higher number). */
  readonly executionNumber?: number | undefined;
  readonly status: DeviceSettableStatus;
  /** Replaces the execution's statusDetails; omitted keeps them. */
  readonly statusDetails?: StatusDetails | undefined;
  /** With IN_PROGRESS, (re)starts the service's step timer. */
  readonly stepTimeoutInMinutes?: number | undefined;
  /** The version the decision was made on; omitted sends no expectedVersion. */
  readonly expectedVersion?: number | undefined;
}

export interface StatusUpdateResult {
  /** The execution's state after the update, as the service reported it. */
  readonly state: ExecutionStateSnapshot | undefined;
  /** True when a VersionMismatch showed the update had already been applied (a lost reply). */
  readonly alreadyApplied: boolean;
}

/** The `executionState` a rejection carried, when it has the documented shape. */
export function rejectedState(error: RejectedError): ExecutionStateSnapshot | undefined {
  const state = error.executionState;
  if (typeof state !== 'object' || state === null || !('status' in state)) return undefined;
  return typeof state.status === 'string' ? (state as ExecutionStateSnapshot) : undefined;
}

/** True when `state` already shows what `update` asks for. */
export function showsUpdate(state: ExecutionStateSnapshot, update: StatusUpdate): boolean {
  if (state.status !== update.status) return false;
  return update.statusDetails === undefined || isDeepEqual(state.statusDetails ?? {}, update.statusDetails);
}

/** The state as an observation of the execution, for the merge. */
export function stateAsExecution(
  jobId: string,
  executionNumber: number | undefined,
  state: ExecutionStateSnapshot,
): JobExecution {
  return {
    jobId,
    status: state.status,
    ...(executionNumber !== undefined ? { executionNumber } : {}),
    ...(state.versionNumber !== undefined ? { versionNumber: state.versionNumber } : {}),
    ...(state.statusDetails !== undefined ? { statusDetails: state.statusDetails } : {}),
  };
}

/**
 * UpdateJobExecution with optimistic concurrency: `expectedVersion` is sent, so an update decided
 * on a stale view is refused instead of silently overwriting. On VersionMismatch:
 *
 * - when the service's state already shows the update, it was applied and only its reply was
 *   lost (a timeout, a reconnect): that counts as success, so a retried update is never doubled;
 * - otherwise the execution is re-read (DescribeJobExecution, merged into the table) and the
 *   update retried once against the version read, unless the execution has become terminal or
 *   another execution number. A second mismatch is final.
 *
 * The accepted state is merged into the table (source `update`). Rejections propagate as
 * RejectedError with the AWS code and `executionState`.
 */
export async function sendStatusUpdate(
  client: JobsClient,
  update: StatusUpdate,
  call: CallOptions = {},
): Promise<StatusUpdateResult> {
  let expectedVersion = update.expectedVersion;
  for (let reread = false; ; reread = true) {
    try {
      const reply = await client.update(
        update.jobId,
        {
          status: update.status,
          statusDetails: update.statusDetails,
          stepTimeoutInMinutes: update.stepTimeoutInMinutes,
          executionNumber: update.executionNumber,
          expectedVersion,
          includeJobExecutionState: true,
        },
        call,
      );
      const state = reply.executionState;
      if (state) client.observe([stateAsExecution(update.jobId, update.executionNumber, state)], 'update');
      return { state, alreadyApplied: false };
    } catch (error) {
      if (!(error instanceof RejectedError) || error.rejectedCode !== 'VersionMismatch') throw error;
      const state = rejectedState(error);
      if (state) client.observe([stateAsExecution(update.jobId, update.executionNumber, state)], 'update');
      if (state && showsUpdate(state, update)) return { state, alreadyApplied: true };
      if (reread) throw error;
      const current = await describeOrUndefined(client, update.jobId, call);
      if (
        current === undefined ||
        isTerminalStatus(current.status) ||
        (update.executionNumber !== undefined && current.executionNumber !== update.executionNumber)
      ) {
        throw error;
      }
      expectedVersion = current.versionNumber;
    }
  }
}

/** A describe that reads "terminal" or "gone" as undefined: the caller's update is then moot. */
async function describeOrUndefined(
  client: JobsClient,
  jobId: string,
  call: CallOptions,
): Promise<JobExecution | undefined> {
  try {
    return (await client.describe(jobId, call)) ?? undefined;
  } catch (error) {
    if (
      error instanceof RejectedError &&
      (error.rejectedCode === 'TerminalStateReached' || error.rejectedCode === 'ResourceNotFound')
    ) {
      return undefined;
    }
    throw error;
  }
}
