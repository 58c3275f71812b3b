import { isJobId, isNamespaceId, isThingName } from '../protocol/names.js';
import type { SimJobDocument } from './jobs-model.js';

/** The simulator's settings, its CreateJob input and that input's validation (AWS model constraints). */

export interface JobsStateSettings {
  /**
   * Most entries in a `notify` list. The archived developer guide says 10, the live one 15
   * (reference §1.7 conflict).
   * @default 15
   */
  readonly notifyListLimit?: number;
  /**
   * Most entries (in-progress plus queued) a GetPendingJobExecutions reply holds. The live
   * job-limits page says 10 but contradicts the reply shape, so there is no cap by default.
   */
  readonly getPendingLimit?: number;
  /**
   * DescribeJobExecution of an execution in a terminal status. Every AWS source (jobs-api.md,
   * the SDKs' RejectedErrorCode docs, the iot-jobs-data model listing TerminalStateException for
   * DescribeJobExecution only) says it is rejected with TerminalStateReached, so that is the
   * default; `'return'` answers with the execution instead.
   * @default 'reject'
   */
  readonly terminalDescribe?: 'reject' | 'return';
}

export interface CreateJobInput {
  readonly jobId: string;
  readonly document: SimJobDocument;
  /** Thing names; each gets a QUEUED execution. */
  readonly targets: readonly string[];
  readonly namespaceId?: string | undefined;
  /** CreateJob `timeoutConfig.inProgressTimeoutInMinutes` (1-10080). */
  readonly inProgressTimeoutInMinutes?: number | undefined;
}

const MAX_TIMEOUT_MINUTES = 10_080;

export function isValidTimeoutMinutes(value: number): boolean {
  return Number.isInteger(value) && value >= 1 && value <= MAX_TIMEOUT_MINUTES;
}

/** Why a CreateJob input is invalid (jobId, targets, namespace, timeout), or undefined. */
export function createJobProblem(input: CreateJobInput): string | undefined {
  if (!isJobId(input.jobId)) return 'jobId must be 1-64 characters of letters, digits, "_" or "-"';
  if (input.targets.length === 0) return 'targets must name at least one thing';
  if (new Set(input.targets).size !== input.targets.length) return 'targets must not repeat a thing';
  const badThing = input.targets.find((thing) => !isThingName(thing));
  if (badThing !== undefined) return `target "${badThing.slice(0, 40)}" is not a valid thing name`;
  if (input.namespaceId !== undefined && !isNamespaceId(input.namespaceId)) return 'namespaceId is not valid';
  const timeout = input.inProgressTimeoutInMinutes;
  if (timeout !== undefined && !isValidTimeoutMinutes(timeout)) {
    return 'inProgressTimeoutInMinutes must be an integer from 1 to 10080';
  }
  return undefined;
}
