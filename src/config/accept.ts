import { endpointProblem } from '../endpoint.js';
import { namespaceIdProblem, thingNameProblem } from '../protocol/names.js';
import {
  AGENT_RULES,
  CLIENT_ID,
  credentialsProviderEndpointProblem,
  JOBS_RULES,
  MQTT_RULES,
  mqttUrlProblem,
  numberFits,
  RECONCILE_RULES,
  RECONNECT_RULES,
  REGION,
  REQUEST_RETRY_RULES,
  ROLE_ALIAS,
  TRANSPORT_KINDS,
  UNHANDLED_JOBS,
  type DefaultedNumberRule,
  type NumberRule,
} from './rules.js';
import type { CredentialsConfig, ParsedAgentOptions } from './schema.js';

/**
 * The fast path of option validation: accepts well-formed options and applies the defaults
 * without zod, whose import would be most of an agent's cold start. It never explains: at the
 * first doubt (a bad value, an unknown key, an object that is not a plain one) it gives up, and
 * the zod schema parses the input again and names the field (resolveAgentOptions does both).
 *
 * So it must never accept what the schema refuses, and must return what the schema returns:
 * test/unit/config/accept.test.ts holds it to that on generated options.
 */
export function acceptAgentOptions(input: unknown): ParsedAgentOptions | undefined {
  try {
    return agentOptions(input);
  } catch (error) {
    if (error === REFUSED) return undefined;
    throw error;
  }
}

type Fields = Readonly<Record<string, unknown>>;

/** Thrown at the first doubt and caught by acceptAgentOptions; one instance, no stack to capture. */
const REFUSED = new Error('not accepted by the fast path');

function refuse(): never {
  throw REFUSED;
}

function agentOptions(input: unknown): ParsedAgentOptions {
  const o = object(input, [
    'thingName',
    'transport',
    'namespaceId',
    'mqtt',
    'reconcile',
    'stateFile',
    'jobs',
    'requestRetry',
    'requestTimeoutMs',
    'maxPayloadBytes',
  ]);
  return {
    thingName: checked(o['thingName'], thingNameProblem),
    transport: o['transport'] === undefined ? 'auto' : oneOf(o['transport'], TRANSPORT_KINDS),
    ...optional(o, 'namespaceId', (value) => checked(value, namespaceIdProblem)),
    ...optional(o, 'mqtt', mqtt),
    ...optional(o, 'reconcile', reconcile),
    ...optional(o, 'stateFile', nonEmpty),
    ...optional(o, 'jobs', jobs),
    ...optional(o, 'requestRetry', requestRetry),
    requestTimeoutMs: defaulted(o['requestTimeoutMs'], AGENT_RULES.requestTimeoutMs),
    maxPayloadBytes: defaulted(o['maxPayloadBytes'], AGENT_RULES.maxPayloadBytes),
  };
}

function mqtt(value: unknown): NonNullable<ParsedAgentOptions['mqtt']> {
  const o = object(value, [
    'url',
    'caFile',
    'certFile',
    'keyFile',
    'ca',
    'cert',
    'key',
    'keyPassphrase',
    'clientId',
    'protocolVersion',
    'keepaliveSeconds',
    'connectTimeoutMs',
    'reconnect',
  ]);
  // The schema's prefault: a missing (not a null) reconnect section is an empty one.
  const reconnect = object(o['reconnect'] === undefined ? {} : o['reconnect'], [
    'initialDelayMs',
    'maxDelayMs',
  ]);
  const parsed = {
    url: checked(o['url'], mqttUrlProblem),
    ...optional(o, 'caFile', nonEmpty),
    ...optional(o, 'certFile', nonEmpty),
    ...optional(o, 'keyFile', nonEmpty),
    ...optional(o, 'ca', pem),
    ...optional(o, 'cert', pem),
    ...optional(o, 'key', pem),
    ...optional(o, 'keyPassphrase', string),
    ...optional(o, 'clientId', clientId),
    protocolVersion: o['protocolVersion'] === undefined ? 4 : oneOf(o['protocolVersion'], [4, 5] as const),
    keepaliveSeconds: defaulted(o['keepaliveSeconds'], MQTT_RULES.keepaliveSeconds),
    connectTimeoutMs: defaulted(o['connectTimeoutMs'], MQTT_RULES.connectTimeoutMs),
    reconnect: {
      initialDelayMs: defaulted(reconnect['initialDelayMs'], RECONNECT_RULES.initialDelayMs),
      maxDelayMs: defaulted(reconnect['maxDelayMs'], RECONNECT_RULES.maxDelayMs),
    },
  };
  // The schema's rules across fields: exactly one of content and file for cert and key, at
  // most one for the CA, and a backoff that does not shrink.
  if ((parsed.cert === undefined) === (parsed.certFile === undefined)) refuse();
  if ((parsed.key === undefined) === (parsed.keyFile === undefined)) refuse();
  if (parsed.ca !== undefined && parsed.caFile !== undefined) refuse();
  if (parsed.reconnect.maxDelayMs < parsed.reconnect.initialDelayMs) refuse();
  return parsed;
}

function reconcile(value: unknown): NonNullable<ParsedAgentOptions['reconcile']> {
  const o = object(value, [
    'endpoint',
    'region',
    'intervalSeconds',
    'jitterRatio',
    'startupJitterSeconds',
    'pageSize',
    'credentials',
  ]);
  return {
    endpoint: checked(o['endpoint'], endpointProblem),
    region: matching(o['region'], REGION),
    intervalSeconds: defaulted(o['intervalSeconds'], RECONCILE_RULES.intervalSeconds),
    jitterRatio: defaulted(o['jitterRatio'], RECONCILE_RULES.jitterRatio),
    startupJitterSeconds: defaulted(o['startupJitterSeconds'], RECONCILE_RULES.startupJitterSeconds),
    pageSize: defaulted(o['pageSize'], RECONCILE_RULES.pageSize),
    credentials: credentials(o['credentials']),
  };
}

function credentials(value: unknown): CredentialsConfig {
  // The CONTRACT's static form has no `source` (the schema tags it before its union).
  if (!isPlainObject(value)) return refuse();
  const source = Object.hasOwn(value, 'source') ? value['source'] : 'static';
  switch (source) {
    case 'static': {
      const o = object(value, ['source', 'accessKeyId', 'secretAccessKey', 'sessionToken']);
      return {
        source,
        accessKeyId: nonEmpty(o['accessKeyId']),
        secretAccessKey: nonEmpty(o['secretAccessKey']),
        ...optional(o, 'sessionToken', nonEmpty),
      };
    }
    case 'iot-credentials-provider': {
      const o = object(value, ['source', 'endpoint', 'roleAlias']);
      return {
        source,
        endpoint: checked(o['endpoint'], credentialsProviderEndpointProblem),
        roleAlias: matching(o['roleAlias'], ROLE_ALIAS.pattern, ROLE_ALIAS.maxLength),
      };
    }
    case 'env':
    case 'greengrass':
      object(value, ['source']);
      return { source };
    default:
      return refuse();
  }
}

function jobs(value: unknown): NonNullable<ParsedAgentOptions['jobs']> {
  const o = object(value, [
    'concurrency',
    'progressIntervalMs',
    'unhandledJobs',
    'abortGraceMs',
    'stopDrainMs',
    'stateFile',
  ]);
  return {
    ...optional(o, 'concurrency', (v) => number(v, JOBS_RULES.concurrency)),
    ...optional(o, 'progressIntervalMs', (v) => number(v, JOBS_RULES.progressIntervalMs)),
    ...optional(o, 'unhandledJobs', (v) => oneOf(v, UNHANDLED_JOBS)),
    ...optional(o, 'abortGraceMs', (v) => number(v, JOBS_RULES.abortGraceMs)),
    ...optional(o, 'stopDrainMs', (v) => number(v, JOBS_RULES.stopDrainMs)),
    ...optional(o, 'stateFile', nonEmpty),
  };
}

function requestRetry(value: unknown): NonNullable<ParsedAgentOptions['requestRetry']> {
  const o = object(value, ['initialDelayMs', 'maxDelayMs', 'maxAttempts']);
  const parsed = {
    initialDelayMs: defaulted(o['initialDelayMs'], REQUEST_RETRY_RULES.initialDelayMs),
    maxDelayMs: defaulted(o['maxDelayMs'], REQUEST_RETRY_RULES.maxDelayMs),
    maxAttempts: defaulted(o['maxAttempts'], REQUEST_RETRY_RULES.maxAttempts),
  };
  if (parsed.maxDelayMs < parsed.initialDelayMs) refuse();
  return parsed;
}

/** A plain object holding no key but `keys` (the schema's objects are all strict). */
function object(value: unknown, keys: readonly string[]): Fields {
  if (!isPlainObject(value)) return refuse();
  for (const key of Object.keys(value)) if (!keys.includes(key)) refuse();
  return value;
}

function isPlainObject(value: unknown): value is Fields {
  if (typeof value !== 'object' || value === null) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/**
 * `{ [key]: check(value) }` when `source` has `key`, else nothing. A key given as undefined stays,
 * undefined, as zod keeps it.
 */
function optional<K extends string, T>(
  source: Fields,
  key: K,
  check: (value: unknown) => T,
): Partial<Record<K, T | undefined>> {
  if (!Object.hasOwn(source, key)) return {};
  const value = source[key];
  return { [key]: value === undefined ? undefined : check(value) } as Partial<Record<K, T | undefined>>;
}

function string(value: unknown): string {
  return typeof value === 'string' ? value : refuse();
}

function nonEmpty(value: unknown): string {
  const text = string(value);
  return text.length > 0 ? text : refuse();
}

function checked(value: unknown, problem: (value: string) => string | undefined): string {
  const text = string(value);
  return problem(text) === undefined ? text : refuse();
}

function matching(value: unknown, pattern: RegExp, maxLength = Infinity): string {
  const text = string(value);
  return text.length <= maxLength && pattern.test(text) ? text : refuse();
}

function clientId(value: unknown): string {
  return matching(value, CLIENT_ID.pattern, CLIENT_ID.maxLength);
}

/**
 * PEM content: a non-empty string, or bytes (a Buffer). The schema's type says
 * Uint8Array<ArrayBuffer>, but it checks `instanceof Uint8Array` only, as here.
 */
function pem(value: unknown): string | Uint8Array<ArrayBuffer> {
  return value instanceof Uint8Array ? (value as Uint8Array<ArrayBuffer>) : nonEmpty(value);
}

function oneOf<T extends string | number>(value: unknown, choices: readonly T[]): T {
  return choices.find((choice) => choice === value) ?? refuse();
}

function number(value: unknown, rule: NumberRule): number {
  return numberFits(value, rule) ? value : refuse();
}

function defaulted(value: unknown, rule: DefaultedNumberRule): number {
  return value === undefined ? rule.default : number(value, rule);
}
