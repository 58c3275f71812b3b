import { readFileSync } from 'node:fs';
import { isAbsolute, resolve as resolvePath } from 'node:path';
import type { z } from 'zod';
import { ConfigError, type ConfigIssue } from '../errors.js';
import { agentOptionsSchema, type ParsedAgentOptions } from './schema.js';

/** Certificate material read into memory once, at construction. */
export interface TlsMaterial {
  readonly ca?: Buffer;
  readonly cert: Buffer;
  readonly key: Buffer;
  readonly passphrase?: string;
}

/** Options after validation, defaults, and with the certificate files read. */
export interface ResolvedAgentOptions extends ParsedAgentOptions {
  readonly tls: TlsMaterial;
  readonly clientId: string;
}

export interface ResolveContext {
  /** Relative file paths are taken from here (the config file's folder for the CLI). */
  readonly baseDir?: string;
  readonly readFile?: (path: string) => Buffer;
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
 * Validates options, applies defaults and reads the certificate files, so that every config
 * problem (bad name, unknown key, unreadable file) surfaces at once as a ConfigError.
 */
export function resolveAgentOptions(input: unknown, context: ResolveContext = {}): ResolvedAgentOptions {
  const parsed = agentOptionsSchema.safeParse(input);
  if (!parsed.success) throw toConfigError(parsed.error);
  const options = parsed.data;
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

  const ca = load(options.mqtt.ca, options.mqtt.caFile, 'caFile');
  const cert = load(options.mqtt.cert, options.mqtt.certFile, 'certFile');
  const key = load(options.mqtt.key, options.mqtt.keyFile, 'keyFile');
  // The schema guarantees one of each; this narrows the types without a non-null assertion.
  if (!cert || !key) throw ConfigError.forField('mqtt.certFile', 'is required');

  const tls: TlsMaterial = {
    cert,
    key,
    ...(ca ? { ca } : {}),
    ...(options.mqtt.keyPassphrase !== undefined ? { passphrase: options.mqtt.keyPassphrase } : {}),
  };
  const stateFile =
    options.stateFile === undefined || isAbsolute(options.stateFile)
      ? options.stateFile
      : resolvePath(baseDir, options.stateFile);
  return {
    ...options,
    ...(stateFile !== undefined ? { stateFile } : {}),
    tls,
    clientId: options.mqtt.clientId ?? options.thingName,
  };
}
