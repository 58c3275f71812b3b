import { isThingName } from '../protocol/names.js';
import type { JobStatus } from '../protocol/types.js';
import { ChangeNotifications } from './change-notifications.js';
import {
  ExecutionRecords,
  cancelExecutionProblem,
  deleteExecutionProblem,
  setRecordStatus,
} from './execution-records.js';
import { JobCatalog } from './job-catalog.js';
import { createJobProblem, type CreateJobInput, type JobsStateSettings } from './job-input.js';
import {
  toSimExecution,
  type ExecutionRecord,
  type SimExecution,
  type SimJob,
  type SimJobDocument,
} from './jobs-model.js';
import type { JobsNotification } from './notifications.js';
import { SimulatorError } from './simulator-error.js';

/**
 * The store of the simulated AWS IoT Jobs service: jobs, their executions per thing, the
 * control-plane operations (create, cancel, delete), step timers and, after every change, the
 * notifications AWS would publish. Pure: time comes from the injected `now`, nothing here does
 * I/O. The device API (get, start-next, describe, update) is JobsState in jobs-state.ts; the
 * execution records and their timers are ExecutionRecords, the jobs as created JobCatalog, and
 * the notifications owed ChangeNotifications.
 */

export type { JobsNotification } from './notifications.js';
export type { CreateJobInput, JobsStateSettings } from './job-input.js';
export { isValidTimeoutMinutes } from './job-input.js';

/** What a control-plane change did: the notifications it causes. */
export interface ChangeResult {
  readonly notifications: readonly JobsNotification[];
}

export class JobsStore {
  readonly #now: () => number;
  readonly settings: Readonly<Required<JobsStateSettings>>;
  readonly #jobs = new JobCatalog();
  readonly #executions = new ExecutionRecords();
  readonly #things = new Set<string>();
  readonly #notifications: ChangeNotifications;

  /** `now` returns epoch milliseconds (a Clock's `now`). */
  constructor(now: () => number, settings: JobsStateSettings = {}) {
    this.#now = now;
    this.settings = {
      notifyListLimit: settings.notifyListLimit ?? 15,
      getPendingLimit: settings.getPendingLimit ?? Number.POSITIVE_INFINITY,
      terminalDescribe: settings.terminalDescribe ?? 'reject',
    };
    this.#notifications = new ChangeNotifications({
      records: () => this.records(),
      nowSeconds: () => this.nowSeconds(),
      listLimit: this.settings.notifyListLimit,
      documentOf: (jobId) => this.document(jobId),
    });
  }

  nowMs(): number {
    return this.#now();
  }

  /** Epoch seconds, as every device-plane timestamp is (reference §1.9). */
  nowSeconds(): number {
    return Math.floor(this.#now() / 1000);
  }

  /** Makes a thing known (ListJobExecutionsForThing answers 404 for unknown things). */
  registerThing(thingName: string): void {
    if (!isThingName(thingName)) throw new SimulatorError('InvalidRequestException', `invalid thing name`);
    this.#things.add(thingName);
  }

  hasThing(thingName: string): boolean {
    return this.#things.has(thingName);
  }

  things(): string[] {
    return [...this.#things];
  }

  jobs(): SimJob[] {
    return this.#jobs.all().map(({ job, canceled }) => ({
      ...job,
      status: this.#jobStatus(job.jobId, canceled),
    }));
  }

  job(jobId: string): SimJob | undefined {
    return this.jobs().find((job) => job.jobId === jobId);
  }

  /** Executions of a thing (all namespaces), in creation order; or of every thing. */
  executions(thingName?: string): SimExecution[] {
    return this.records()
      .filter((r) => thingName === undefined || r.thingName === thingName)
      .map(toSimExecution);
  }

  /** @internal The mutable records, in creation order, for the device API in this folder. */
  records(): ExecutionRecord[] {
    return this.#executions.inOrder();
  }

  /** @internal */
  record(thingName: string, jobId: string): ExecutionRecord | undefined {
    return this.#executions.get(thingName, jobId);
  }

  /** @internal */
  document(jobId: string): SimJobDocument | undefined {
    return this.#jobs.get(jobId)?.job.document;
  }

  /** @internal */
  inProgressTimeoutOf(jobId: string): number | undefined {
    return this.#jobs.get(jobId)?.job.inProgressTimeoutInMinutes;
  }

  /** Queues a job for its target things (CreateJob with thing targets). */
  createJob(input: CreateJobInput): ChangeResult {
    const problem = createJobProblem(input);
    if (problem !== undefined) throw new SimulatorError('InvalidRequestException', problem);
    if (this.#jobs.has(input.jobId)) {
      throw new SimulatorError('ResourceAlreadyExistsException', `job ${input.jobId} already exists`);
    }
    this.#expire();
    return this.track([], () => {
      const at = this.nowSeconds();
      const order = this.#jobs.add(input, at);
      for (const thingName of input.targets) {
        this.#things.add(thingName);
        this.#executions.queue(thingName, input.jobId, input.namespaceId, at, order);
      }
    });
  }

  /**
   * CancelJob: QUEUED executions become CANCELED; IN_PROGRESS ones too only with `force`
   * (AWS semantics), otherwise they may still finish.
   */
  cancelJob(jobId: string, options: { readonly force?: boolean | undefined } = {}): ChangeResult {
    const entry = this.#jobs.get(jobId);
    if (!entry) throw new SimulatorError('ResourceNotFoundException', `job ${jobId} does not exist`);
    if (this.#jobStatus(jobId, entry.canceled) === 'COMPLETED') {
      throw new SimulatorError('InvalidStateTransitionException', `job ${jobId} is already completed`);
    }
    this.#expire();
    return this.track([], () => {
      this.#jobs.cancel(jobId);
      for (const record of this.records()) {
        if (record.jobId !== jobId) continue;
        if (record.status === 'QUEUED' || (record.status === 'IN_PROGRESS' && options.force === true)) {
          this.setStatus(record, 'CANCELED');
        }
      }
    });
  }

  /** CancelJobExecution for one thing; an IN_PROGRESS execution needs `force`. */
  cancelExecution(
    thingName: string,
    jobId: string,
    options: { readonly force?: boolean | undefined } = {},
  ): ChangeResult {
    this.#expire();
    const record = this.#executions.require(thingName, jobId);
    const problem = cancelExecutionProblem(record, options.force === true);
    if (problem !== undefined) throw new SimulatorError('InvalidStateTransitionException', problem);
    return this.track([], () => this.setStatus(record, 'CANCELED'));
  }

  /**
   * DeleteJobExecution: the execution is gone (describe answers ResourceNotFound, listings omit
   * it). As in AWS, only a terminal execution may be deleted unless `force` is set.
   */
  deleteExecution(
    thingName: string,
    jobId: string,
    options: { readonly force?: boolean | undefined } = {},
  ): ChangeResult {
    this.#expire();
    const record = this.#executions.require(thingName, jobId);
    const problem = deleteExecutionProblem(record, options.force === true);
    if (problem !== undefined) throw new SimulatorError('InvalidStateTransitionException', problem);
    return this.track([], () => {
      this.#executions.delete(thingName, jobId);
    });
  }

  /** Epoch ms of the earliest running step/in-progress timer, if any. */
  nextDeadline(): number | undefined {
    return this.#executions.nextDeadline();
  }

  /**
   * Moves every execution whose timer has passed to TIMED_OUT (every operation does this first)
   * and hands out the notifications not handed out yet, including those of a timeout applied by
   * an operation that then failed.
   */
  expireDue(): ChangeResult {
    this.#expire();
    return { notifications: this.#notifications.takeUndelivered() };
  }

  #expire(): void {
    const due = this.#executions.due(this.#now());
    if (due.length === 0) return;
    this.#notifications.hold(() => {
      for (const record of due) this.setStatus(record, 'TIMED_OUT');
    });
  }

  /** @internal Sets a service- or device-driven status: bumps the version, stops timers when terminal. */
  setStatus(record: ExecutionRecord, status: JobStatus): void {
    setRecordStatus(record, status, this.#now(), this.inProgressTimeoutOf(record.jobId));
  }

  /**
   * @internal Runs `mutate` and returns the notifications AWS publishes for it (reference §1.7):
   * `notify` when a pending execution is added, removed or changes status; `notify-next` only
   * when the head of a queue is a different execution (not when only its details change).
   */
  track(prior: readonly JobsNotification[], mutate: () => void): ChangeResult {
    return { notifications: this.#notifications.track(prior, mutate) };
  }

  #jobStatus(jobId: string, canceled: boolean): SimJob['status'] {
    if (canceled) return 'CANCELED';
    return this.#executions.allTerminal(jobId) ? 'COMPLETED' : 'IN_PROGRESS';
  }
}
