import type { ExecutionRecord, SimJobDocument } from './jobs-model.js';
import { diffNotifications, queueSignatures, type JobsNotification } from './notifications.js';

/** What the bookkeeping reads from the store at each change. */
export interface NotificationSource {
  /** The execution records, in creation order. */
  records(): ExecutionRecord[];
  /** Epoch seconds, the payloads' `timestamp`. */
  nowSeconds(): number;
  /** Most entries in a notify list. */
  readonly listLimit: number;
  documentOf(jobId: string): SimJobDocument | undefined;
}

/**
 * The notifications the simulated service owes after each change (the diff itself is
 * notifications.ts), and those owed but not handed out yet: a timeout applied at the start of
 * an operation that then failed is published with the next change that is handed out.
 */
export class ChangeNotifications {
  readonly #source: NotificationSource;
  readonly #undelivered: JobsNotification[] = [];

  constructor(source: NotificationSource) {
    this.#source = source;
  }

  /**
   * Runs `mutate` and returns, in order, the notifications still undelivered, `prior`, and those
   * `mutate` caused.
   */
  track(prior: readonly JobsNotification[], mutate: () => void): JobsNotification[] {
    const notifications = this.#diff(mutate);
    return [...this.#undelivered.splice(0), ...prior, ...notifications];
  }

  /** Runs `mutate` and keeps the notifications it caused until they are handed out. */
  hold(mutate: () => void): void {
    this.#undelivered.push(...this.#diff(mutate));
  }

  /** Hands out (and forgets) the notifications not handed out yet. */
  takeUndelivered(): JobsNotification[] {
    return this.#undelivered.splice(0);
  }

  #diff(mutate: () => void): JobsNotification[] {
    const source = this.#source;
    const before = queueSignatures(source.records());
    mutate();
    const records = source.records();
    return diffNotifications(before, queueSignatures(records), records, {
      timestamp: source.nowSeconds(),
      listLimit: source.listLimit,
      documentOf: (jobId) => source.documentOf(jobId),
    });
  }
}
