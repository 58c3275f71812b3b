import { isThingName } from '../protocol/names.js';
import { isTerminalStatus, type JobStatus } from '../protocol/types.js';
import { ExecutionRecords } from './execution-records.js';
import { createJobProblem, type CreateJobInput, type JobsStateSettings } from './job-input.js';
import {
  toSimExecution,
  type ExecutionRecord,
  type SimExecution,
  type SimJob,
  type SimJobDocument,
} from './jobs-model.js';
import { diffNotifications, queueSignatures, type JobsNotification } from './notifications.js';
import { SimulatorError } from './simulator-error.js';

/**
 * The store of the simulated AWS IoT Jobs service: jobs, their executions per thing, the
 * control-plane operations (create, cancel, delete), step timers and, after every change, the
 * notifications AWS would publish. Pure: time comes from the injected `now`, nothing here does
 * I/O. The device API (get, start-next, describe, update) is JobsState in jobs-state.ts; the
 * execution records and their timers are ExecutionRecords.
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
  readonly #jobs = new Map<string, { job: Omit<SimJob, 'status'>; canceled: boolean; order: number }>();
  readonly #executions = new ExecutionRecords();
  readonly #things = new Set<string>();
  readonly #undelivered: JobsNotification[] = [];
  #order = 0;

  /** `now` returns epoch milliseconds (a Clock's `now`). */
  constructor(now: () => number, settings: JobsStateSettings = {}) {
    this.#now = now;
    this.settings = {
      notifyListLimit: settings.notifyListLimit ?? 15,
      getPendingLimit: settings.getPendingLimit ?? Number.POSITIVE_INFINITY,
      terminalDescribe: settings.terminalDescribe ?? 'reject',
    };
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
    return [...this.#jobs.values()].map(({ job, canceled }) => ({
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
      const order = ++this.#order;
      this.#jobs.set(input.jobId, {
        job: {
          jobId: input.jobId,
          document: input.document,
          ...(input.namespaceId !== undefined && { namespaceId: input.namespaceId }),
          createdAt: at,
          ...(input.inProgressTimeoutInMinutes !== undefined && {
            inProgressTimeoutInMinutes: input.inProgressTimeoutInMinutes,
          }),
          targets: [...input.targets],
        },
        canceled: false,
        order,
      });
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
      entry.canceled = true;
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
    const record = this.#requireRecord(thingName, jobId);
    if (isTerminalStatus(record.status) || (record.status === 'IN_PROGRESS' && options.force !== true)) {
      throw new SimulatorError(
        'InvalidStateTransitionException',
        `cannot cancel the ${record.status} execution of ${jobId} on ${thingName}${record.status === 'IN_PROGRESS' ? ' without force' : ''}`,
      );
    }
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
    const record = this.#requireRecord(thingName, jobId);
    if (!isTerminalStatus(record.status) && options.force !== true) {
      throw new SimulatorError(
        'InvalidStateTransitionException',
        `cannot delete the ${record.status} execution of ${jobId} on ${thingName} without force`,
      );
    }
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
    return { notifications: this.#undelivered.splice(0) };
  }

  #expire(): void {
    const due = this.#executions.due(this.#now());
    if (due.length === 0) return;
    this.#undelivered.push(
      ...this.#diff(() => {
        for (const record of due) this.setStatus(record, 'TIMED_OUT');
      }),
    );
  }

  /** @internal Sets a service- or device-driven status: bumps the version, stops timers when terminal. */
  setStatus(record: ExecutionRecord, status: JobStatus): void {
    const at = this.nowSeconds();
    if (status === 'IN_PROGRESS' && record.status === 'QUEUED') {
      record.startedAt = at;
      const minutes = this.inProgressTimeoutOf(record.jobId);
      if (minutes !== undefined) record.inProgressDeadlineMs = this.#now() + minutes * 60_000;
    }
    record.status = status;
    record.versionNumber += 1;
    record.lastUpdatedAt = at;
    if (isTerminalStatus(status)) {
      record.stepDeadlineMs = undefined;
      record.inProgressDeadlineMs = undefined;
    }
  }

  /**
   * @internal Runs `mutate` and returns the notifications AWS publishes for it (reference §1.7):
   * `notify` when a pending execution is added, removed or changes status; `notify-next` only
   * when the head of a queue is a different execution (not when only its details change).
   */
  track(prior: readonly JobsNotification[], mutate: () => void): ChangeResult {
    const notifications = this.#diff(mutate);
    return { notifications: [...this.#undelivered.splice(0), ...prior, ...notifications] };
  }

  #diff(mutate: () => void): JobsNotification[] {
    const before = queueSignatures(this.records());
    mutate();
    const records = this.records();
    return diffNotifications(before, queueSignatures(records), records, {
      timestamp: this.nowSeconds(),
      listLimit: this.settings.notifyListLimit,
      documentOf: (jobId) => this.document(jobId),
    });
  }

  #requireRecord(thingName: string, jobId: string): ExecutionRecord {
    const record = this.record(thingName, jobId);
    if (!record) {
      throw new SimulatorError(
        'ResourceNotFoundException',
        `no execution of job ${jobId} on thing ${thingName}`,
      );
    }
    return record;
  }

  #jobStatus(jobId: string, canceled: boolean): SimJob['status'] {
    if (canceled) return 'CANCELED';
    return this.#executions.allTerminal(jobId) ? 'COMPLETED' : 'IN_PROGRESS';
  }
}
