import type { ParsedAgentOptions } from '../config/schema.js';
import { ConfigError } from '../errors.js';
import { computeBackoff, type BackoffPolicy } from '../transport/backoff.js';

/** When the first scheduled run happens after `start()`. */
export type InitialDelay =
  | 'immediate'
  /** Uniform in [0, maxMs), so a fleet that boots together does not call the service in step. */
  | { readonly maxMs: number };

/** The timing half of the reconciler's options. */
export interface CadenceOptions {
  /** Uniform in [0, 1), like Math.random. */
  readonly random: () => number;
  /** The nominal time between the end of one run and the start of the next. */
  readonly intervalMs: number;
  /** Each interval is drawn uniformly from intervalMs × [1 − ratio, 1 + ratio] (at least 1 ms). 0 ≤ ratio ≤ 1. */
  readonly jitterRatio: number;
  readonly initialDelay: InitialDelay;
  /** Delay before the next attempt after consecutive failures (capped, full jitter). */
  readonly failureBackoff: BackoffPolicy;
}

/**
 * How long the reconcile loop waits before its next run: the first delay after start, a jittered
 * interval after a success, the failure backoff after consecutive failures (the count resets on
 * the next success), and a random point of a window for `runWithin`. The loop itself (timer,
 * single flight, callers) is Reconciler's; every delay here is drawn from the injected `random`,
 * one draw per delay, so tests pin them.
 */
export class ReconcileCadence {
  readonly #options: CadenceOptions;
  #consecutiveFailures = 0;

  /** @throws ConfigError naming the field when an option is out of range */
  constructor(options: CadenceOptions) {
    assertCadenceOptions(options);
    this.#options = options;
  }

  /** The delay of the first scheduled run after `start()`. */
  firstDelayMs(): number {
    const { initialDelay } = this.#options;
    if (initialDelay === 'immediate') return 0;
    return Math.floor(this.#draw() * initialDelay.maxMs);
  }

  /** A run succeeded: the failure count resets and the next run is one jittered interval away. */
  afterSuccessMs(): number {
    this.#consecutiveFailures = 0;
    const { intervalMs, jitterRatio } = this.#options;
    const spread = jitterRatio * (2 * this.#draw() - 1);
    // At least 1 ms: a ratio near 1 can draw a zero interval, and the loop must never spin.
    return Math.max(1, Math.round(intervalMs * (1 + spread)));
  }

  /** A run failed: the next attempt waits the backoff of the consecutive failures so far. */
  afterFailureMs(): number {
    this.#consecutiveFailures += 1;
    return computeBackoff(this.#consecutiveFailures, this.#options.failureBackoff, this.#options.random);
  }

  /** A uniform point of [0, maxDelayMs); a negative window counts as none. */
  withinMs(maxDelayMs: number): number {
    return Math.floor(this.#draw() * Math.max(0, maxDelayMs));
  }

  #draw(): number {
    return Math.min(1, Math.max(0, this.#options.random()));
  }
}

/** @throws ConfigError naming the first option out of range. */
export function assertCadenceOptions(options: CadenceOptions): void {
  const positive = (path: string, value: number): void => {
    if (!Number.isFinite(value) || value <= 0) throw ConfigError.forField(path, 'must be a positive number');
  };
  positive('intervalMs', options.intervalMs);
  if (!(options.jitterRatio >= 0 && options.jitterRatio <= 1)) {
    throw ConfigError.forField('jitterRatio', 'must be between 0 and 1');
  }
  if (options.initialDelay !== 'immediate') {
    const { maxMs } = options.initialDelay;
    if (!Number.isFinite(maxMs) || maxMs < 0) {
      throw ConfigError.forField('initialDelay.maxMs', 'must be a non-negative number');
    }
  }
  positive('failureBackoff.initialDelayMs', options.failureBackoff.initialDelayMs);
  positive('failureBackoff.maxDelayMs', options.failureBackoff.maxDelayMs);
  if (!(options.failureBackoff.factor >= 1))
    throw ConfigError.forField('failureBackoff.factor', 'must be at least 1');
}

/** Failed reconciles are retried after 5 s, doubling up to 5 min (full jitter). */
const AGENT_FAILURE_BACKOFF: BackoffPolicy = { initialDelayMs: 5_000, maxDelayMs: 300_000, factor: 2 };

/** The agent's reconcile timing from its `reconcile` options (their defaults where absent). */
export function agentCadence(
  reconcile: ParsedAgentOptions['reconcile'],
  random: () => number,
): CadenceOptions {
  return {
    random,
    intervalMs: (reconcile?.intervalSeconds ?? 300) * 1000,
    jitterRatio: reconcile?.jitterRatio ?? 0.1,
    initialDelay:
      reconcile && reconcile.startupJitterSeconds > 0
        ? { maxMs: reconcile.startupJitterSeconds * 1000 }
        : 'immediate',
    failureBackoff: AGENT_FAILURE_BACKOFF,
  };
}
