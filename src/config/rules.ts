import { endpointProblem } from '../endpoint.js';

/**
 * The ranges, defaults and patterns of AgentOptions, in one place for both validators: the zod
 * schema (./zod-schema.ts), which explains what is wrong, and the fast path (./accept.ts), which
 * accepts well-formed options without loading zod. A limit changed here changes both.
 */

/** A numeric option: whether it must be an integer, and its inclusive range. */
export interface NumberRule {
  readonly integer: boolean;
  readonly min: number;
  readonly max?: number;
}

/** A numeric option that takes `default` when it is left out. */
export interface DefaultedNumberRule extends NumberRule {
  readonly default: number;
}

/** True when `value` is a number the rule allows (zod's: finite, a safe integer when `integer`). */
export function numberFits(value: unknown, rule: NumberRule): value is number {
  if (typeof value !== 'number' || !Number.isFinite(value)) return false;
  if (rule.integer && !Number.isSafeInteger(value)) return false;
  return value >= rule.min && (rule.max === undefined || value <= rule.max);
}

export const AGENT_RULES = {
  /** Time to wait for the answer to an MQTT jobs request. */
  requestTimeoutMs: { integer: true, min: 100, max: 120_000, default: 10_000 },
  /** Inbound messages larger than this are reported and dropped (AWS IoT's own limit is 128 KiB). */
  maxPayloadBytes: { integer: true, min: 1_024, max: 1024 * 1024, default: 128 * 1024 },
} as const satisfies Record<string, DefaultedNumberRule>;

export const MQTT_RULES = {
  keepaliveSeconds: { integer: true, min: 30, max: 1200, default: 300 },
  connectTimeoutMs: { integer: true, min: 100, max: 120_000, default: 10_000 },
} as const satisfies Record<string, DefaultedNumberRule>;

/** Reconnect backoff; also the default when the options have no `mqtt` section (Greengrass IPC). */
export const RECONNECT_RULES = {
  initialDelayMs: { integer: true, min: 1, default: 1_000 },
  maxDelayMs: { integer: true, min: 1, default: 60_000 },
} as const satisfies Record<string, DefaultedNumberRule>;

export const RECONCILE_RULES = {
  intervalSeconds: { integer: false, min: 10, max: 86_400, default: 300 },
  /** Each interval is randomized by ±jitterRatio so a fleet drifts apart. */
  jitterRatio: { integer: false, min: 0, max: 1, default: 0.1 },
  /** The first reconcile waits a random 0..N s (0 = at once), so a fleet that boots together does not call in step. */
  startupJitterSeconds: { integer: false, min: 0, max: 3_600, default: 0 },
  pageSize: { integer: true, min: 1, max: 250, default: 250 },
} as const satisfies Record<string, DefaultedNumberRule>;

/** How handlers run (`agent.handle()`); unset keys take the lifecycle's defaults (docs/lifecycle.md). */
export const JOBS_RULES = {
  /** Executions run at once, all operations together (default 1: serial). */
  concurrency: { integer: true, min: 1, max: 64 },
  /** Shortest time between two progress updates of one execution (default 1000). */
  progressIntervalMs: { integer: true, min: 0, max: 3_600_000 },
  /** How long an aborted handler may take to return (default 10000). */
  abortGraceMs: { integer: true, min: 0, max: 600_000 },
  /** How long stop() waits for undelivered status updates (default 5000). */
  stopDrainMs: { integer: true, min: 0, max: 600_000 },
} as const satisfies Record<string, NumberRule>;

/** Retries of RequestThrottled / InternalError answers to MQTT jobs requests. */
export const REQUEST_RETRY_RULES = {
  initialDelayMs: { integer: true, min: 1, default: 200 },
  maxDelayMs: { integer: true, min: 1, default: 10_000 },
  maxAttempts: { integer: true, min: 1, max: 100, default: 5 },
} as const satisfies Record<string, DefaultedNumberRule>;

/** Which MQTT stack carries the jobs topics; `auto` picks Greengrass IPC inside a Greengrass component. */
export const TRANSPORT_KINDS = ['auto', 'mqtt', 'crt', 'greengrass-ipc'] as const;
export type TransportKind = (typeof TRANSPORT_KINDS)[number];

/** What to do with a QUEUED job whose operation has no handler. */
export const UNHANDLED_JOBS = ['ignore', 'reject'] as const;

/** MQTT client ids: topic wildcards and separators would break the broker's ACLs. */
export const CLIENT_ID = { pattern: /^[^#+/]+$/, maxLength: 128 } as const;
export const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
/** An IAM role alias name, as the IoT credentials provider takes it in its URL path. */
export const ROLE_ALIAS = { pattern: /^[\w=,@-]+$/, maxLength: 128 } as const;

/** Why `value` is not an mqtts:// URL, or undefined when it is one. */
export function mqttUrlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be a URL such as mqtts://xxxx-ats.iot.us-east-1.amazonaws.com:8883';
  }
  return url.protocol === 'mqtts:' ? undefined : 'must use mqtts:// (mutual TLS is always on)';
}

/**
 * Why `value` cannot be the IoT credentials provider's endpoint. That request authenticates with
 * the device certificate, so it is https even to a loopback host (the provider refuses http).
 */
export function credentialsProviderEndpointProblem(value: string): string | undefined {
  const problem = endpointProblem(value);
  if (problem) return problem;
  return new URL(value).protocol === 'https:' ? undefined : 'must be https:// (mutual TLS)';
}
