import type { RejectedCode } from '../errors.js';
import { NEXT_JOB_ID } from '../protocol/names.js';
import {
  DEVICE_SETTABLE_STATUSES,
  isTerminalStatus,
  type DeviceSettableStatus,
  type StatusDetails,
} from '../protocol/types.js';
import {
  pendingQueue,
  statusDetailsProblem,
  toExecutionState,
  toSummary,
  toWireExecution,
  type ExecutionRecord,
  type QueueScope,
  type WireExecutionState,
} from './jobs-model.js';
import { isValidTimeoutMinutes, JobsStore, type JobsNotification } from './jobs-store.js';

/**
 * The device side of the simulated Jobs service (reference §1.2-1.5, §1.8): each operation
 * answers with the body AWS would publish on `/accepted` or `/rejected` (without `clientToken`,
 * which the transport echoes) and the notifications the change causes.
 *
 * Decisions where the docs are silent or ambiguous:
 * - A device may move QUEUED or IN_PROGRESS to any of IN_PROGRESS, SUCCEEDED, FAILED, REJECTED
 *   (QUEUED straight to a terminal status is allowed). Any update of a terminal execution is
 *   InvalidStateTransition with `executionState` (the docs' SUCCEEDED -> IN_PROGRESS example;
 *   the iot-jobs-data model gives UpdateJobExecution no TerminalState error).
 * - A status the device may not set (QUEUED, CANCELED, ...) or an unknown one is InvalidRequest.
 * - Checks run in this order: not found, invalid request, VersionMismatch, InvalidStateTransition.
 * - `statusDetails`, when given, replace the previous map; when absent they are kept.
 * - `stepTimeoutInMinutes` -1 cancels the step timer (UpdateJobExecution API reference).
 * - GetPending and StartNext have no namespaced topic, so they serve the default namespace.
 */

export type RejectionCode = RejectedCode;

export interface RejectedBody {
  readonly code: RejectionCode;
  readonly message: string;
  readonly timestamp: number;
  readonly executionState?: WireExecutionState;
}

export type DeviceReply =
  | { readonly outcome: 'accepted'; readonly body: Readonly<Record<string, unknown>> }
  | { readonly outcome: 'rejected'; readonly body: RejectedBody };

export interface DeviceResult {
  readonly reply: DeviceReply;
  readonly notifications: readonly JobsNotification[];
}

export interface StartNextRequest {
  readonly statusDetails?: Readonly<Record<string, unknown>> | undefined;
  readonly stepTimeoutInMinutes?: number | undefined;
}

export interface DescribeRequest {
  readonly executionNumber?: number | undefined;
  /** @default true */
  readonly includeJobDocument?: boolean | undefined;
}

export interface UpdateRequest {
  readonly status?: string | undefined;
  readonly statusDetails?: Readonly<Record<string, unknown>> | undefined;
  readonly expectedVersion?: number | undefined;
  readonly executionNumber?: number | undefined;
  /** @default false */
  readonly includeJobExecutionState?: boolean | undefined;
  /** @default false */
  readonly includeJobDocument?: boolean | undefined;
  readonly stepTimeoutInMinutes?: number | undefined;
}

function isSettable(status: string | undefined): status is DeviceSettableStatus {
  return (DEVICE_SETTABLE_STATUSES as readonly (string | undefined)[]).includes(status);
}

export class JobsState extends JobsStore {
  /** GetPendingJobExecutions for a thing's default-namespace queue. */
  getPending(thingName: string): DeviceResult {
    const { notifications } = this.expireDue();
    const queue = pendingQueue(this.records(), { thingName }).slice(0, this.settings.getPendingLimit);
    const body = {
      inProgressJobs: queue.filter((r) => r.status === 'IN_PROGRESS').map(toSummary),
      queuedJobs: queue.filter((r) => r.status === 'QUEUED').map(toSummary),
      timestamp: this.nowSeconds(),
    };
    return { reply: { outcome: 'accepted', body }, notifications };
  }

  /** StartNextPendingJobExecution: the head of the queue, started if it was QUEUED. */
  startNext(thingName: string, request: StartNextRequest = {}): DeviceResult {
    const expired = this.expireDue().notifications;
    const problem = detailsProblem(request.statusDetails) ?? stepTimeoutProblem(request.stepTimeoutInMinutes);
    if (problem !== undefined) return this.#reject(expired, 'InvalidRequest', problem);
    const head = pendingQueue(this.records(), { thingName })[0];
    if (!head)
      return {
        reply: { outcome: 'accepted', body: { timestamp: this.nowSeconds() } },
        notifications: expired,
      };
    const { notifications } = this.track(expired, () => {
      // An IN_PROGRESS head is returned as is and keeps its statusDetails (reference §1.3).
      if (head.status !== 'QUEUED') return;
      if (request.statusDetails !== undefined) head.statusDetails = asDetails(request.statusDetails);
      this.setStatus(head, 'IN_PROGRESS');
      this.#applyStepTimeout(head, request.stepTimeoutInMinutes);
    });
    return { reply: { outcome: 'accepted', body: this.#executionBody(head, true) }, notifications };
  }

  /** DescribeJobExecution, including `$next` (accepted without `execution` when nothing is pending). */
  describe(scope: QueueScope, jobId: string, request: DescribeRequest = {}): DeviceResult {
    const expired = this.expireDue().notifications;
    const includeDocument = request.includeJobDocument !== false;
    if (jobId === NEXT_JOB_ID) {
      const head = pendingQueue(this.records(), scope)[0];
      const body = head ? this.#executionBody(head, includeDocument) : { timestamp: this.nowSeconds() };
      return { reply: { outcome: 'accepted', body }, notifications: expired };
    }
    const record = this.#find(scope, jobId, request.executionNumber);
    if (!record) return this.#notFound(expired, scope, jobId);
    if (isTerminalStatus(record.status) && this.settings.terminalDescribe === 'reject') {
      return this.#reject(
        expired,
        'TerminalStateReached',
        `job execution ${jobId} is in terminal state ${record.status}`,
      );
    }
    return {
      reply: { outcome: 'accepted', body: this.#executionBody(record, includeDocument) },
      notifications: expired,
    };
  }

  /** UpdateJobExecution. */
  update(scope: QueueScope, jobId: string, request: UpdateRequest): DeviceResult {
    const expired = this.expireDue().notifications;
    const record = this.#find(scope, jobId, request.executionNumber);
    if (!record) return this.#notFound(expired, scope, jobId);
    const status = request.status;
    if (!isSettable(status)) {
      return this.#reject(
        expired,
        'InvalidRequest',
        `status must be one of ${DEVICE_SETTABLE_STATUSES.join(', ')}`,
      );
    }
    const problem = detailsProblem(request.statusDetails) ?? stepTimeoutProblem(request.stepTimeoutInMinutes);
    if (problem !== undefined) return this.#reject(expired, 'InvalidRequest', problem);
    if (request.expectedVersion !== undefined && request.expectedVersion !== record.versionNumber) {
      return this.#reject(
        expired,
        'VersionMismatch',
        `expected version ${request.expectedVersion} but the execution is at ${record.versionNumber}`,
        record,
      );
    }
    if (isTerminalStatus(record.status)) {
      return this.#reject(
        expired,
        'InvalidStateTransition',
        `cannot change job execution ${jobId} from ${record.status} to ${status}`,
        record,
      );
    }
    const { notifications } = this.track(expired, () => {
      if (request.statusDetails !== undefined) record.statusDetails = asDetails(request.statusDetails);
      this.setStatus(record, status);
      if (status === 'IN_PROGRESS') this.#applyStepTimeout(record, request.stepTimeoutInMinutes);
    });
    const body = {
      ...(request.includeJobExecutionState === true && { executionState: toExecutionState(record) }),
      ...(request.includeJobDocument === true && { jobDocument: this.document(jobId) }),
      timestamp: this.nowSeconds(),
    };
    return { reply: { outcome: 'accepted', body }, notifications };
  }

  #find(scope: QueueScope, jobId: string, executionNumber: number | undefined): ExecutionRecord | undefined {
    const record = this.record(scope.thingName, jobId);
    // A namespaced topic only reaches jobs of that namespace, the default topic only default jobs.
    if (!record || record.namespaceId !== scope.namespaceId) return undefined;
    if (executionNumber !== undefined && executionNumber !== record.executionNumber) return undefined;
    return record;
  }

  #applyStepTimeout(record: ExecutionRecord, minutes: number | undefined): void {
    if (minutes === undefined) return;
    record.stepDeadlineMs = minutes === -1 ? undefined : this.nowMs() + minutes * 60_000;
  }

  #executionBody(record: ExecutionRecord, includeDocument: boolean): Record<string, unknown> {
    const execution = toWireExecution(record, {
      document: includeDocument ? this.document(record.jobId) : undefined,
      includeThingName: true,
      nowMs: this.nowMs(),
    });
    return { execution, timestamp: this.nowSeconds() };
  }

  #notFound(notifications: readonly JobsNotification[], scope: QueueScope, jobId: string): DeviceResult {
    return this.#reject(
      notifications,
      'ResourceNotFound',
      `job execution ${jobId} of thing ${scope.thingName} not found`,
    );
  }

  #reject(
    notifications: readonly JobsNotification[],
    code: RejectionCode,
    message: string,
    record?: ExecutionRecord,
  ): DeviceResult {
    const body: RejectedBody = {
      code,
      message,
      timestamp: this.nowSeconds(),
      ...(record !== undefined && { executionState: toExecutionState(record) }),
    };
    return { reply: { outcome: 'rejected', body }, notifications };
  }
}

function detailsProblem(details: Readonly<Record<string, unknown>> | undefined): string | undefined {
  return details === undefined ? undefined : statusDetailsProblem(details);
}

function stepTimeoutProblem(minutes: number | undefined): string | undefined {
  if (minutes === undefined || minutes === -1 || isValidTimeoutMinutes(minutes)) return undefined;
  return 'stepTimeoutInMinutes must be an integer from 1 to 10080, or -1';
}

/** Only called after statusDetailsProblem passed, so every value is a string. */
function asDetails(details: Readonly<Record<string, unknown>>): StatusDetails {
  return Object.fromEntries(
    Object.entries(details).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
}
