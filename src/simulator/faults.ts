import type { RejectedCode } from '../errors.js';

/**
 * Fault injection for the simulator: counters that the MQTT and HTTP services consume. Each
 * `take*` call uses up one planned fault, so "throttle the next 2 calls" means exactly two.
 */

/** An AWS-shaped HTTP failure the HTTP service answers with instead of the real response. */
export interface HttpFault {
  readonly status: number;
  readonly type: string;
  readonly message: string;
}

/** What is planned right now (for the admin API and logs). */
export interface FaultSnapshot {
  readonly dropNotifications: number;
  readonly notificationDelayMs: number;
  readonly failRequests: number;
  readonly failRequestsCode: RejectedCode;
  readonly throttleHttp: number;
  readonly unavailableHttp: number;
  /** Page number (1 = the first page) -> how many more times it fails. */
  readonly failPages: Readonly<Record<string, number>>;
}

function count(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 0) throw new RangeError(`${name} must be a non-negative integer`);
  return value;
}

export class FaultPlan {
  #dropNotifications = 0;
  #notificationDelayMs = 0;
  #failRequests = 0;
  #failRequestsCode: RejectedCode = 'RequestThrottled';
  #throttleHttp = 0;
  #unavailableHttp = 0;
  readonly #failPages = new Map<number, number>();

  /** The next `n` notifications (notify and notify-next alike) are never published. */
  dropNotifications(n: number): void {
    this.#dropNotifications = count(n, 'dropNotifications');
  }

  /** Every notification is published `ms` later (0 turns the delay off). */
  delayNotifications(ms: number): void {
    this.#notificationDelayMs = count(ms, 'delayNotifications');
  }

  /** The next `n` device requests are rejected with `code` and change nothing. */
  failRequests(n: number, code: RejectedCode = 'RequestThrottled'): void {
    this.#failRequests = count(n, 'failRequests');
    this.#failRequestsCode = code;
  }

  /** The next `n` ListJobExecutionsForThing calls get 400 ThrottlingException. */
  throttleHttp(n: number): void {
    this.#throttleHttp = count(n, 'throttleHttp');
  }

  /** The next `n` ListJobExecutionsForThing calls get 503 ServiceUnavailableException. */
  failHttp(n: number): void {
    this.#unavailableHttp = count(n, 'failHttp');
  }

  /** Page `page` (1 = no nextToken) of a listing gets 503 ServiceUnavailableException, `times` times. */
  failPage(page: number, times = 1): void {
    if (!Number.isInteger(page) || page < 1) throw new RangeError('page must be an integer >= 1');
    this.#failPages.set(page, count(times, 'times'));
  }

  clear(): void {
    this.#dropNotifications = 0;
    this.#notificationDelayMs = 0;
    this.#failRequests = 0;
    this.#failRequestsCode = 'RequestThrottled';
    this.#throttleHttp = 0;
    this.#unavailableHttp = 0;
    this.#failPages.clear();
  }

  /** True when this notification must be dropped (and uses up one drop). */
  takeNotificationDrop(): boolean {
    if (this.#dropNotifications === 0) return false;
    this.#dropNotifications -= 1;
    return true;
  }

  notificationDelayMs(): number {
    return this.#notificationDelayMs;
  }

  /** The rejection code for this request, when one is planned. */
  takeRequestFailure(): RejectedCode | undefined {
    if (this.#failRequests === 0) return undefined;
    this.#failRequests -= 1;
    return this.#failRequestsCode;
  }

  /** The failure for this listing call of page `page`, when one is planned. */
  takeHttpFailure(page: number): HttpFault | undefined {
    if (this.#throttleHttp > 0) {
      this.#throttleHttp -= 1;
      return { status: 400, type: 'ThrottlingException', message: 'Rate exceeded' };
    }
    if (this.#unavailableHttp > 0) {
      this.#unavailableHttp -= 1;
      return { status: 503, type: 'ServiceUnavailableException', message: 'Service Unavailable' };
    }
    const pageFailures = this.#failPages.get(page) ?? 0;
    if (pageFailures > 0) {
      this.#failPages.set(page, pageFailures - 1);
      return { status: 503, type: 'ServiceUnavailableException', message: 'Service Unavailable' };
    }
    return undefined;
  }

  snapshot(): FaultSnapshot {
    return {
      dropNotifications: this.#dropNotifications,
      notificationDelayMs: this.#notificationDelayMs,
      failRequests: this.#failRequests,
      failRequestsCode: this.#failRequestsCode,
      throttleHttp: this.#throttleHttp,
      unavailableHttp: this.#unavailableHttp,
      failPages: Object.fromEntries(
        [...this.#failPages].filter(([, n]) => n > 0).map(([p, n]) => [String(p), n]),
      ),
    };
  }
}
