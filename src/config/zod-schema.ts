import { endpointProblem } from '../endpoint.js';
import { namespaceIdProblem, thingNameProblem } from '../protocol/names.js';
import {
  AGENT_RULES,
  CLIENT_ID,
  credentialsProviderEndpointProblem,
  JOBS_RULES,
  MQTT_RULES,
  mqttUrlProblem,
  RECONCILE_RULES,
  RECONNECT_RULES,
  REGION,
  REQUEST_RETRY_RULES,
  ROLE_ALIAS,
  TRANSPORT_KINDS,
  UNHANDLED_JOBS,
  type NumberRule,
} from './rules.js';
import { loadZod, type ZodApi } from '../zod-loader.js';

/**
 * The zod schema of AgentOptions (the config file's JSON, and the library's options with PEM
 * buffers): the reference for what is valid, and what explains an invalid config field by field.
 * Unknown keys are errors at every level, so a typo never silently disables a feature.
 *
 * Built on first use (see agentOptionsSchema()): well-formed options are accepted by ./accept.ts
 * without zod, so an agent with a good config never loads it.
 */
function buildAgentOptionsSchema(z: ZodApi) {
  /** A string checked by one of the `…Problem` functions, whose reason becomes the message. */
  const checked = (problem: (value: string) => string | undefined) =>
    z.string().superRefine((value, ctx) => {
      const reason = problem(value);
      if (reason) ctx.addIssue({ code: 'custom', message: reason });
    });

  const number = (rule: NumberRule) => {
    const ranged = (rule.integer ? z.number().int() : z.number()).min(rule.min);
    return rule.max === undefined ? ranged : ranged.max(rule.max);
  };

  /** PEM content (string or bytes), for library users who hold certificates in memory. */
  const pemContent = z.union([z.string().min(1), z.instanceof(Uint8Array)]);

  const mqttSchema = z
    .strictObject({
      url: checked(mqttUrlProblem),
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
        .max(CLIENT_ID.maxLength)
        .regex(CLIENT_ID.pattern, 'must not contain "/", "+" or "#"')
        .optional(),
      protocolVersion: z.union([z.literal(4), z.literal(5)]).default(4),
      keepaliveSeconds: number(MQTT_RULES.keepaliveSeconds).default(MQTT_RULES.keepaliveSeconds.default),
      connectTimeoutMs: number(MQTT_RULES.connectTimeoutMs).default(MQTT_RULES.connectTimeoutMs.default),
      reconnect: z
        .strictObject({
          initialDelayMs: number(RECONNECT_RULES.initialDelayMs).default(
            RECONNECT_RULES.initialDelayMs.default,
          ),
          maxDelayMs: number(RECONNECT_RULES.maxDelayMs).default(RECONNECT_RULES.maxDelayMs.default),
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

  const credentialsSchema = z.preprocess(
    // The CONTRACT's static form has no `source`; tag it so the union reports precise errors.
    (value) =>
      typeof value === 'object' && value !== null && !('source' in value)
        ? { source: 'static', ...value }
        : value,
    z.discriminatedUnion('source', [
      z.strictObject({
        source: z.literal('static'),
        accessKeyId: z.string().min(1),
        secretAccessKey: z.string().min(1),
        sessionToken: z.string().min(1).optional(),
      }),
      z.strictObject({ source: z.literal('env') }),
      z.strictObject({
        source: z.literal('iot-credentials-provider'),
        endpoint: checked(credentialsProviderEndpointProblem),
        roleAlias: z
          .string()
          .min(1)
          .max(ROLE_ALIAS.maxLength)
          .regex(ROLE_ALIAS.pattern, 'must be a role alias name'),
      }),
      z.strictObject({ source: z.literal('greengrass') }),
    ]),
  );

  const reconcileSchema = z.strictObject({
    /** An https URL, or http to a loopback host (the simulator, the Greengrass TES). */
    endpoint: checked(endpointProblem),
    region: z.string().regex(REGION, 'must be an AWS region such as us-east-1'),
    intervalSeconds: number(RECONCILE_RULES.intervalSeconds).default(RECONCILE_RULES.intervalSeconds.default),
    jitterRatio: number(RECONCILE_RULES.jitterRatio).default(RECONCILE_RULES.jitterRatio.default),
    startupJitterSeconds: number(RECONCILE_RULES.startupJitterSeconds).default(
      RECONCILE_RULES.startupJitterSeconds.default,
    ),
    pageSize: number(RECONCILE_RULES.pageSize).default(RECONCILE_RULES.pageSize.default),
    credentials: credentialsSchema,
  });

  const jobsSchema = z.strictObject({
    concurrency: number(JOBS_RULES.concurrency).optional(),
    progressIntervalMs: number(JOBS_RULES.progressIntervalMs).optional(),
    unhandledJobs: z.enum(UNHANDLED_JOBS).optional(),
    abortGraceMs: number(JOBS_RULES.abortGraceMs).optional(),
    stopDrainMs: number(JOBS_RULES.stopDrainMs).optional(),
    /** Checkpoints and the outbox (default `<stateFile>.lifecycle.json`). */
    stateFile: z.string().min(1).optional(),
  });

  const requestRetrySchema = z
    .strictObject({
      initialDelayMs: number(REQUEST_RETRY_RULES.initialDelayMs).default(
        REQUEST_RETRY_RULES.initialDelayMs.default,
      ),
      maxDelayMs: number(REQUEST_RETRY_RULES.maxDelayMs).default(REQUEST_RETRY_RULES.maxDelayMs.default),
      maxAttempts: number(REQUEST_RETRY_RULES.maxAttempts).default(REQUEST_RETRY_RULES.maxAttempts.default),
    })
    .refine((retry) => retry.maxDelayMs >= retry.initialDelayMs, {
      path: ['maxDelayMs'],
      message: 'must be >= initialDelayMs',
    });

  return z.strictObject({
    thingName: checked(thingNameProblem),
    transport: z.enum(TRANSPORT_KINDS).default('auto'),
    namespaceId: checked(namespaceIdProblem).optional(),
    /** Required for the `mqtt` and `crt` transports; Greengrass IPC uses the nucleus's connection. */
    mqtt: mqttSchema.optional(),
    reconcile: reconcileSchema.optional(),
    stateFile: z.string().min(1).optional(),
    jobs: jobsSchema.optional(),
    requestRetry: requestRetrySchema.optional(),
    requestTimeoutMs: number(AGENT_RULES.requestTimeoutMs).default(AGENT_RULES.requestTimeoutMs.default),
    maxPayloadBytes: number(AGENT_RULES.maxPayloadBytes).default(AGENT_RULES.maxPayloadBytes.default),
  });
}

export type AgentOptionsSchema = ReturnType<typeof buildAgentOptionsSchema>;

let schema: AgentOptionsSchema | undefined;

/** The schema, built (and zod loaded) on the first call. */
export function agentOptionsSchema(): AgentOptionsSchema {
  schema ??= buildAgentOptionsSchema(loadZod());
  return schema;
}
