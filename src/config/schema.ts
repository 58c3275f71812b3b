import { z } from 'zod';
import { endpointProblem } from '../endpoint.js';
import { jobIdProblem, namespaceIdProblem, thingNameProblem } from '../protocol/names.js';

/**
 * The zod schema of AgentOptions (the config file's JSON, and the library's options with PEM
 * buffers). Unknown keys are errors at every level, so a typo never silently disables a feature.
 */

const named = (problem: (value: string) => string | undefined) =>
  z.string().superRefine((value, ctx) => {
    const reason = problem(value);
    if (reason) ctx.addIssue({ code: 'custom', message: reason });
  });

/** An https URL, or http to a loopback host (the simulator, the Greengrass TES). */
const serviceEndpoint = z.string().superRefine((value, ctx) => {
  const problem = endpointProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

const mqttUrl = z.string().superRefine((value, ctx) => {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    ctx.addIssue({
      code: 'custom',
      message: 'must be a URL such as mqtts://xxxx-ats.iot.us-east-1.amazonaws.com:8883',
    });
    return;
  }
  if (url.protocol !== 'mqtts:') {
    ctx.addIssue({ code: 'custom', message: 'must use mqtts:// (mutual TLS is always on)' });
  }
});

/** PEM content (string or bytes), for library users who hold certificates in memory. */
const pemContent = z.union([z.string().min(1), z.instanceof(Uint8Array)]);

const mqttSchema = z
  .strictObject({
    url: mqttUrl,
    caFile: z.string().min(1).optional(),
    certFile: z.string().min(1).optional(),
    keyFile: z.string().min(1).optional(),
    ca: pemContent.optional(),
    cert: pemContent.optional(),
    key: pemContent.optional(),
    keyPassphrase: z.string().optional(),
    clientId: z
      .string()
      .min(1)
      .max(128)
      .regex(/^[^#+/]+$/, 'must not contain "/", "+" or "#"')
      .optional(),
    protocolVersion: z.union([z.literal(4), z.literal(5)]).default(4),
    keepaliveSeconds: z.number().int().min(30).max(1200).default(300),
    connectTimeoutMs: z.number().int().min(100).max(120_000).default(10_000),
    reconnect: z
      .strictObject({
        initialDelayMs: z.number().int().min(1).default(1_000),
        maxDelayMs: z.number().int().min(1).default(60_000),
      })
      .prefault({}),
  })
  .superRefine((mqtt, ctx) => {
    for (const [content, file] of [
      ['cert', 'certFile'],
      ['key', 'keyFile'],
    ] as const) {
      if (mqtt[content] === undefined && mqtt[file] === undefined) {
        ctx.addIssue({ code: 'custom', path: [file], message: 'is required' });
      }
      if (mqtt[content] !== undefined && mqtt[file] !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [content],
          message: `give either ${content} or ${file}, not both`,
        });
      }
    }
    if (mqtt.ca !== undefined && mqtt.caFile !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['ca'], message: 'give either ca or caFile, not both' });
    }
    if (mqtt.reconnect.maxDelayMs < mqtt.reconnect.initialDelayMs) {
      ctx.addIssue({
        code: 'custom',
        path: ['reconnect', 'maxDelayMs'],
        message: 'must be >= initialDelayMs',
      });
    }
  });

const staticCredentialsSchema = z.strictObject({
  source: z.literal('static'),
  accessKeyId: z.string().min(1),
  secretAccessKey: z.string().min(1),
  sessionToken: z.string().min(1).optional(),
});

const credentialsSchema = z.preprocess(
  // The CONTRACT's static form has no `source`; tag it so the union reports precise errors.
  (value) =>
    typeof value === 'object' && value !== null && !('source' in value)
      ? { source: 'static', ...value }
      : value,
  z.discriminatedUnion('source', [
    staticCredentialsSchema,
    z.strictObject({ source: z.literal('env') }),
    z.strictObject({
      source: z.literal('iot-credentials-provider'),
      endpoint: serviceEndpoint,
      roleAlias: z
        .string()
        .min(1)
        .max(128)
        .regex(/^[\w=,@-]+$/, 'must be a role alias name'),
    }),
    z.strictObject({ source: z.literal('greengrass') }),
  ]),
);

const reconcileSchema = z.strictObject({
  endpoint: serviceEndpoint,
  region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'must be an AWS region such as us-east-1'),
  intervalSeconds: z.number().min(10).max(86_400).default(300),
  /** Each interval is randomized by ±jitterRatio so a fleet drifts apart. */
  jitterRatio: z.number().min(0).max(1).default(0.1),
  /** The first reconcile waits a random 0..N s (0 = at once), so a fleet that boots together does not call in step. */
  startupJitterSeconds: z.number().min(0).max(3_600).default(0),
  pageSize: z.number().int().min(1).max(250).default(250),
  credentials: credentialsSchema,
});

/** Which MQTT stack carries the jobs topics; `auto` picks Greengrass IPC inside a Greengrass component. */
export const TRANSPORT_KINDS = ['auto', 'mqtt', 'crt', 'greengrass-ipc'] as const;
export type TransportKind = (typeof TRANSPORT_KINDS)[number];

/** Reconnect backoff when the options have no `mqtt` section (Greengrass IPC). */
export const DEFAULT_RECONNECT = Object.freeze({ initialDelayMs: 1_000, maxDelayMs: 60_000 });

/** How handlers run (`agent.handle()`); see docs/lifecycle.md. Unset keys take the lifecycle's defaults. */
const jobsSchema = z.strictObject({
  /** Executions run at once, all operations together (default 1: serial). */
  concurrency: z.number().int().min(1).max(64).optional(),
  /** Shortest time between two progress updates of one execution (default 1000). */
  progressIntervalMs: z.number().int().min(0).max(3_600_000).optional(),
  /** A QUEUED job whose operation has no handler: `ignore` (default) or `reject`. */
  unhandledJobs: z.enum(['ignore', 'reject']).optional(),
  /** How long an aborted handler may take to return (default 10000). */
  abortGraceMs: z.number().int().min(0).max(600_000).optional(),
  /** How long stop() waits for undelivered status updates (default 5000). */
  stopDrainMs: z.number().int().min(0).max(600_000).optional(),
  /** Checkpoints and the outbox (default `<stateFile>.lifecycle.json`). */
  stateFile: z.string().min(1).optional(),
});

/** Retries of RequestThrottled / InternalError answers to MQTT jobs requests. */
const requestRetrySchema = z
  .strictObject({
    initialDelayMs: z.number().int().min(1).default(200),
    maxDelayMs: z.number().int().min(1).default(10_000),
    maxAttempts: z.number().int().min(1).max(100).default(5),
  })
  .refine((retry) => retry.maxDelayMs >= retry.initialDelayMs, {
    path: ['maxDelayMs'],
    message: 'must be >= initialDelayMs',
  });

export const agentOptionsSchema = z.strictObject({
  thingName: named(thingNameProblem),
  transport: z.enum(TRANSPORT_KINDS).default('auto'),
  namespaceId: named(namespaceIdProblem).optional(),
  /** Required for the `mqtt` and `crt` transports; Greengrass IPC uses the nucleus's connection. */
  mqtt: mqttSchema.optional(),
  reconcile: reconcileSchema.optional(),
  stateFile: z.string().min(1).optional(),
  jobs: jobsSchema.optional(),
  requestRetry: requestRetrySchema.optional(),
  /** Time to wait for the answer to an MQTT jobs request. */
  requestTimeoutMs: z.number().int().min(100).max(120_000).default(10_000),
  /** Inbound messages larger than this are reported and dropped (AWS IoT's own limit is 128 KiB). */
  maxPayloadBytes: z
    .number()
    .int()
    .min(1_024)
    .max(1024 * 1024)
    .default(128 * 1024),
});

/** Options as written by a user (config file JSON, or code with PEM buffers). */
export type AgentOptions = z.input<typeof agentOptionsSchema>;
/** Options after validation and defaults. */
export type ParsedAgentOptions = z.output<typeof agentOptionsSchema>;
export type CredentialsConfig = z.output<typeof credentialsSchema>;

/** Validates a job id given on a command line or in an API call. */
export const jobIdSchema = named(jobIdProblem);
