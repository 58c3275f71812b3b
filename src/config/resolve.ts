import { readFileSync } from 'node:fs';
import { isAbsolute, resolve as resolvePath } from 'node:path';
import type { z } from 'zod';
import { ConfigError, type ConfigIssue } from '../errors.js';
import { resolveTransportKind } from '../transport/kind.js';
import { acceptAgentOptions } from './accept.js';
import type { ParsedAgentOptions } from './schema.js';
import { agentOptionsSchema } from './zod-schema.js';

/** Certificate material read into memory once, at construction. */
export interface TlsMaterial {
  readonly ca?: Buffer;
  readonly cert: Buffer;
  readonly key: Buffer;
  readonly passphrase?: string;
}

/** Options after validation, defaults, and with the certificate files read. */
export interface ResolvedAgentOptions extends ParsedAgentOptions {
  /** The device certificate; absent only for Greengrass IPC, where the nucleus owns the connection. */
  readonly tls?: TlsMaterial;
  readonly clientId: string;
}

export interface ResolveContext {
  /** Relative file paths are taken from here (the config file's folder for the CLI). */
  readonly baseDir?: string;
  readonly readFile?: (path: string) => Buffer;
  /** Decides `transport: "auto"` (Greengrass IPC inside a component). */
  readonly env?: NodeJS.ProcessEnv;
}

/** zod issues → ConfigError, each naming its field as a dotted path (`mqtt.certFile`). */
export function toConfigError(error: z.ZodError): ConfigError {
  const issues: ConfigIssue[] = error.issues.flatMap((issue) => {
    const base = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        path: base ? `${base}.${key}` : key,
        message: 'is not a known option',
      }));
    }
    return [{ path: base || '(root)', message: issue.message }];
  });
  return new ConfigError(issues, { cause: error });
}

/**
 * Validates options and applies defaults: the fast path accepts well-formed options without
 * zod; anything it refuses is parsed by the zod schema, which names every bad field.
 */
export function parseAgentOptions(input: unknown): ParsedAgentOptions {
  const accepted = acceptAgentOptions(input);
  if (accepted) return accepted;
  const parsed = agentOptionsSchema().safeParse(input);
  if (!parsed.success) throw toConfigError(parsed.error);
  return parsed.data;
}

/**
 * Validates options, applies defaults and reads the certificate files, so that every config
 * problem (bad name, unknown key, unreadable file) surfaces at once as a ConfigError.
 */
export function resolveAgentOptions(input: unknown, context: ResolveContext = {}): ResolvedAgentOptions {
  const options = parseAgentOptions(input);
  const read = context.readFile ?? ((path: string) => readFileSync(path));
  const baseDir = context.baseDir ?? process.cwd();

  const load = (content: string | Uint8Array | undefined, file: string | undefined, field: string) => {
    if (content !== undefined) return Buffer.from(content);
    if (file === undefined) return undefined;
    const path = isAbsolute(file) ? file : resolvePath(baseDir, file);
    let data: Buffer;
    try {
      data = read(path);
    } catch (cause) {
      const reason = (cause as NodeJS.ErrnoException).code ?? 'unreadable';
      throw ConfigError.forField(`mqtt.${field}`, `cannot read ${path} (${reason})`, { cause });
    }
    if (data.length === 0) throw ConfigError.forField(`mqtt.${field}`, `${path} is empty`);
    if (!data.includes('-----BEGIN'))
      throw ConfigError.forField(`mqtt.${field}`, `${path} is not a PEM file`);
    return data;
  };

  const mqtt = options.mqtt;
  const kind = resolveTransportKind(options.transport, context.env ?? process.env);
  if (!mqtt) {
    if (kind !== 'greengrass-ipc') {
      throw ConfigError.forField('mqtt', `is required for the ${kind} transport (url and certificates)`);
    }
    if (options.reconcile?.credentials.source === 'iot-credentials-provider') {
      throw ConfigError.forField(
        'reconcile.credentials.source',
        'iot-credentials-provider needs the device certificate (mqtt.certFile and mqtt.keyFile)',
      );
    }
  }
  const tls = mqtt ? readTlsMaterial(mqtt, load) : undefined;
  const stateFile =
    options.stateFile === undefined || isAbsolute(options.stateFile)
      ? options.stateFile
      : resolvePath(baseDir, options.stateFile);
  return {
    ...options,
    ...(stateFile !== undefined ? { stateFile } : {}),
    ...(tls ? { tls } : {}),
    clientId: mqtt?.clientId ?? options.thingName,
  };
}

type MqttOptions = NonNullable<ParsedAgentOptions['mqtt']>;

/** Reads cert, key and CA (content or files); the schema guarantees cert and key are given. */
function readTlsMaterial(
  mqtt: MqttOptions,
  load: (
    content: string | Uint8Array | undefined,
    file: string | undefined,
    field: string,
  ) => Buffer | undefined,
): TlsMaterial {
  const ca = load(mqtt.ca, mqtt.caFile, 'caFile');
  const cert = load(mqtt.cert, mqtt.certFile, 'certFile');
  const key = load(mqtt.key, mqtt.keyFile, 'keyFile');
  if (!cert || !key) throw ConfigError.forField('mqtt.certFile', 'is required');
  return {
    cert,
    key,
    ...(ca ? { ca } : {}),
    ...(mqtt.keyPassphrase !== undefined ? { passphrase: mqtt.keyPassphrase } : {}),
  };
}
