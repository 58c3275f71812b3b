import type { JobExecution } from '../protocol/types.js';

/**
 * When `nextExecutionChanged` fires: when the head of the queue changes identity (job id and
 * execution number) or status, as the service's notify-next does, and not when only its other
 * fields (progress, timestamps) change.
 */
export class NextWatch {
  #last: JobExecution | null = null;

  /** The head just computed, when it differs from the last one seen; undefined when it does not. */
  changed(next: JobExecution | null): JobExecution | null | undefined {
    const last = this.#last;
    this.#last = next;
    return sameHead(next, last) ? undefined : next;
  }
}

function sameHead(a: JobExecution | null, b: JobExecution | null): boolean {
  if (a === null || b === null) return a === b;
  return a.jobId === b.jobId && a.executionNumber === b.executionNumber && a.status === b.status;
}
