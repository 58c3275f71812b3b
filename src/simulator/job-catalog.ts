import type { CreateJobInput } from './job-input.js';
import type { SimJob } from './jobs-model.js';

/** A job as created, and whether CancelJob was called on it. */
export interface CatalogEntry {
  readonly job: Omit<SimJob, 'status'>;
  readonly canceled: boolean;
}

interface MutableEntry {
  readonly job: Omit<SimJob, 'status'>;
  canceled: boolean;
  readonly order: number;
}

/**
 * The jobs of the simulated service as CreateJob made them, in creation order, each with the
 * order its executions are queued in and whether it was canceled. A job's status follows from
 * its executions, so it is JobsStore's. Pure bookkeeping.
 */
export class JobCatalog {
  readonly #jobs = new Map<string, MutableEntry>();
  #order = 0;

  has(jobId: string): boolean {
    return this.#jobs.has(jobId);
  }

  get(jobId: string): CatalogEntry | undefined {
    return this.#jobs.get(jobId);
  }

  /** Every job, in creation order. */
  all(): CatalogEntry[] {
    return [...this.#jobs.values()];
  }

  /** Adds the job of a valid `input`, created at `at` (epoch seconds); returns its creation order. */
  add(input: CreateJobInput, at: number): number {
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
    return order;
  }

  /** Marks `jobId` as canceled (no-op for an unknown job). */
  cancel(jobId: string): void {
    const entry = this.#jobs.get(jobId);
    if (entry) entry.canceled = true;
  }
}
