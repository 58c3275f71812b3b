/**
 * Capped exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff And
 * Jitter"): the delay is uniform in [0, min(max, initial * factor^(attempt-1))). Full jitter
 * spreads a fleet that lost its broker at once, so devices don't reconnect in lockstep.
 * Pure: the randomness is a parameter.
 */
export interface BackoffPolicy {
  /** Upper bound of the first delay. */
  readonly initialDelayMs: number;
  /** The bound never grows past this. */
  readonly maxDelayMs: number;
  /** Growth of the bound per attempt (2 doubles it). */
  readonly factor: number;
}

/** Reconnect default: bound 1 s, 2 s, 4 s … capped at 60 s. */
export const DEFAULT_RECONNECT_BACKOFF: BackoffPolicy = Object.freeze({
  initialDelayMs: 1_000,
  maxDelayMs: 60_000,
  factor: 2,
});

/**
 * The delay before retry number `attempt` (1 for the first retry), in whole milliseconds.
 * `random` returns a value in [0, 1) like Math.random; values outside are clamped. Attempts below
 * 1 count as 1; a huge attempt saturates at `maxDelayMs` rather than overflowing.
 */
export function computeBackoff(attempt: number, policy: BackoffPolicy, random: () => number): number {
  const exponent = Math.max(0, Math.floor(attempt) - 1);
  const bound = Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.factor ** exponent);
  const ceiling = Number.isFinite(bound) ? Math.max(0, bound) : Math.max(0, policy.maxDelayMs);
  const jitter = Math.min(1, Math.max(0, random()));
  return Math.floor(jitter * ceiling);
}
