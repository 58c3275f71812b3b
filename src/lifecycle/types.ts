import type { JobExecution, StatusDetails } from '../protocol/types.js';

/** JSON data a handler keeps across restarts with `saveCheckpoint`. */
export type Checkpoint =
  null | boolean | number | string | readonly Checkpoint[] | { readonly [key: string]: Checkpoint };

/** A job document as handlers receive it without a schema: the JSON object AWS sent. */
export type JobDocumentObject = Readonly<Record<string, unknown>>;

export interface ProgressOptions {
  /** Restarts the service's step timer (and the local watchdog) with this many minutes. */
  readonly stepTimeoutInMinutes?: number | undefined;
}

/** What a handler is given to run one job execution. */
export interface JobContext<TDocument = JobDocumentObject> {
  /** The execution as described by the service when it was started. */
  readonly execution: JobExecution;
  readonly jobId: string;
  readonly executionNumber: number | undefined;
  /** The document's `operation`, which chose this handler. */
  readonly operation: string;
  /** The job document, as the handler's schema returned it (or the raw object without one). */
  readonly document: TDocument;
  /**
   * Aborted when the service cancels or removes the execution, when the step watchdog fires, or
   * when the agent stops. `signal.reason` says which (an AbortedError, TimeoutError or ClosedError).
   */
  readonly signal: AbortSignal;
  /** True when this execution was interrupted (agent restart) and is being picked up again. */
  readonly resuming: boolean;
  /** The last checkpoint saved for this execution, when resuming. */
  readonly checkpoint: Checkpoint | undefined;
  /**
   * Reports progress (an IN_PROGRESS update with these statusDetails). Coalesced: at most one
   * update is in flight and the latest details win, at most one per `progressIntervalMs`.
   * Validates synchronously: throws ConfigError for details AWS would refuse.
   */
  readonly progress: (statusDetails: StatusDetails, options?: ProgressOptions) => void;
  /** Persists a checkpoint (atomic write, 0600) and resolves once it is durable. */
  readonly saveCheckpoint: (checkpoint: Checkpoint) => Promise<void>;
}

/** The terminal status a handler may choose; throwing means FAILED. */
export type JobOutcomeStatus = 'SUCCEEDED' | 'FAILED' | 'REJECTED';

export interface JobResult {
  /** @default 'SUCCEEDED' */
  readonly status?: JobOutcomeStatus | undefined;
  /** Reported with the terminal status; omitted keeps the last progress details. */
  readonly statusDetails?: StatusDetails | undefined;
}

/**
 * What a handler may return. `void` lets `async () => {}` be a handler (a Promise<void> is not a
 * Promise<JobResult | undefined>).
 */
// eslint-disable-next-line @typescript-eslint/no-invalid-void-type
export type JobHandlerReturn = JobResult | undefined | void;

export type JobHandler<TDocument = JobDocumentObject> = (
  context: JobContext<TDocument>,
) => Promise<JobHandlerReturn> | JobHandlerReturn;

/** The Standard Schema v1 result (zod 4, valibot and arktype schemas implement the interface). */
export type StandardSchemaResult<T> =
  | { readonly value: T; readonly issues?: undefined }
  | {
      readonly issues: readonly {
        readonly message: string;
        readonly path?: readonly (PropertyKey | { readonly key: PropertyKey })[] | undefined;
      }[];
    };

/** Any Standard Schema v1 validator, e.g. a zod schema. */
export interface StandardSchemaLike<T> {
  readonly '~standard': {
    validate(value: unknown): StandardSchemaResult<T> | Promise<StandardSchemaResult<T>>;
  };
}

/** A schema, or a function that returns the typed document and throws when it is invalid. */
export type DocumentValidator<T> = StandardSchemaLike<T> | ((document: JobDocumentObject) => T);

export interface HandleOptions<TDocument> {
  /** Validates the job document before the job is started; an invalid one is REJECTED. */
  readonly schema?: DocumentValidator<TDocument> | undefined;
  /**
   * How many executions of this operation may run at once (the agent-wide `concurrency` still
   * applies). @default 1
   */
  readonly concurrency?: number | undefined;
  /** Sent with IN_PROGRESS when the job starts; the local watchdog aborts the handler in time. */
  readonly stepTimeoutInMinutes?: number | undefined;
  /**
   * Whether an execution interrupted by a restart is handed back to this handler
   * (`resuming: true`, with its last checkpoint). When false it is reported FAILED instead,
   * never run again from the start. @default false
   */
  readonly resumable?: boolean | undefined;
}

/** Agent-wide settings of the job lifecycle (the third JobsAgent constructor argument). */
export interface LifecycleOptions {
  /** Executions run at once, all operations together. @default 1 (serial) */
  readonly concurrency?: number | undefined;
  /** Shortest time between two progress updates of one execution. @default 1000 */
  readonly progressIntervalMs?: number | undefined;
  /**
   * A QUEUED job whose operation has no handler: left for someone else (`'ignore'`) or
   * REJECTED with a reason (`'reject'`). @default 'ignore'
   */
  readonly unhandledJobs?: 'ignore' | 'reject' | undefined;
  /** How long an aborted handler may take to return before its slot is given to the next job. @default 10000 */
  readonly abortGraceMs?: number | undefined;
  /** How long stop() waits for undelivered status updates to go out. @default 5000 */
  readonly stopDrainMs?: number | undefined;
  /** Where checkpoints and the outbox are kept; defaults to `<stateFile>.lifecycle.json`. */
  readonly stateFile?: string | undefined;
}
