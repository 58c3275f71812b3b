import { parseJobsTopic } from '../../src/protocol/topics.js';
import type { TestBroker } from './broker.js';

/** A wire-shaped execution as the fake service hands it out. */
export interface FakeExecution {
  jobId: string;
  status: string;
  queuedAt?: number;
  startedAt?: number;
  lastUpdatedAt?: number;
  versionNumber?: number;
  executionNumber?: number;
  statusDetails?: Record<string, string>;
  jobDocument?: unknown;
}

export interface FakeRequest {
  readonly operation: string;
  readonly jobId?: string;
  readonly body: Record<string, unknown>;
}

type Responder = (
  request: FakeRequest,
) => { outcome: 'accepted' | 'rejected'; body: Record<string, unknown> } | 'ignore';

/**
 * A scripted AWS IoT Jobs responder on the test broker's service side, for agent tests that need
 * exact control over replies (the simulator covers faithful behaviour). Seed `executions`; it
 * answers get, describe (incl. $next) and update from them, echoing the clientToken.
 */
export class FakeJobsService {
  readonly executions = new Map<string, FakeExecution>();
  readonly requests: FakeRequest[] = [];
  #override: Responder | undefined;
  readonly #broker: TestBroker;
  readonly #thingName: string;

  constructor(broker: TestBroker, thingName: string) {
    this.#broker = broker;
    this.#thingName = thingName;
    broker.events.on('publish', (message) => {
      const parsed = parseJobsTopic(message.topic);
      if (parsed?.kind !== 'request' || parsed.thingName !== thingName) return;
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(message.payload) as Record<string, unknown>;
      } catch {
        // answered below as InvalidJson
      }
      const request: FakeRequest = {
        operation: parsed.operation,
        ...(parsed.jobId !== undefined ? { jobId: parsed.jobId } : {}),
        body,
      };
      this.requests.push(request);
      const reply = this.#override?.(request) ?? this.#answer(request);
      if (reply === 'ignore') return;
      void broker.publish(
        `${message.topic}/${reply.outcome}`,
        JSON.stringify({ ...reply.body, clientToken: body['clientToken'], timestamp: 1_700_000_000 }),
      );
    });
  }

  /** Replaces the default answers (return undefined-like 'ignore' to stay silent). */
  respondWith(responder: Responder | undefined): void {
    this.#override = responder;
  }

  /** Publishes a `notify` with the pending executions in `executions`. */
  async notify(): Promise<void> {
    const jobs: Record<string, unknown[]> = {};
    for (const execution of this.#pending()) {
      (jobs[execution.status] ??= []).push(toSummary(execution));
    }
    await this.#broker.publish(
      `$aws/things/${this.#thingName}/jobs/notify`,
      JSON.stringify({ timestamp: 1_700_000_000, jobs }),
    );
  }

  /** Publishes a `notify-next` naming the head of the pending queue (or none). */
  async notifyNext(): Promise<void> {
    const head = this.#pending()[0];
    await this.#broker.publish(
      `$aws/things/${this.#thingName}/jobs/notify-next`,
      JSON.stringify(head ? { timestamp: 1_700_000_000, execution: head } : { timestamp: 1_700_000_000 }),
    );
  }

  #pending(): FakeExecution[] {
    return [...this.executions.values()]
      .filter((e) => e.status === 'QUEUED' || e.status === 'IN_PROGRESS')
      .sort((a, b) =>
        a.status === b.status ? (a.queuedAt ?? 0) - (b.queuedAt ?? 0) : a.status === 'IN_PROGRESS' ? -1 : 1,
      );
  }

  #answer(request: FakeRequest): { outcome: 'accepted' | 'rejected'; body: Record<string, unknown> } {
    if (request.operation === 'get') {
      const pending = this.#pending().map(toSummary);
      return {
        outcome: 'accepted',
        body: {
          inProgressJobs: pending.filter((e) => this.executions.get(e.jobId)?.status === 'IN_PROGRESS'),
          queuedJobs: pending.filter((e) => this.executions.get(e.jobId)?.status === 'QUEUED'),
        },
      };
    }
    if (request.operation === 'describe') {
      const execution =
        request.jobId === '$next' ? this.#pending()[0] : this.executions.get(request.jobId ?? '');
      if (execution) return { outcome: 'accepted', body: { execution } };
      if (request.jobId === '$next') return { outcome: 'accepted', body: {} };
      return { outcome: 'rejected', body: { code: 'ResourceNotFound', message: 'no such execution' } };
    }
    return {
      outcome: 'rejected',
      body: { code: 'InvalidRequest', message: `fake does not do ${request.operation}` },
    };
  }
}

/** A JobExecutionSummary: the execution without status, document and details. */
function toSummary(
  execution: FakeExecution,
): Omit<FakeExecution, 'status' | 'jobDocument' | 'statusDetails'> {
  const summary: Partial<FakeExecution> = { ...execution };
  delete summary.status;
  delete summary.jobDocument;
  delete summary.statusDetails;
  return summary as Omit<FakeExecution, 'status' | 'jobDocument' | 'statusDetails'>;
}
