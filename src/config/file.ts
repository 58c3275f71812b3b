import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { ConfigError } from '../errors.js';
import { resolveAgentOptions, type ResolvedAgentOptions } from './resolve.js';
import type { AgentOptions } from './schema.js';

/**
 * Reads a JSON config file. Relative paths inside it (certificates, stateFile) are taken from the
 * file's own folder, so a config works the same whatever the working directory (systemd, Greengrass).
 */
export function readConfigFile(path: string): { readonly options: AgentOptions; readonly baseDir: string } {
  const absolute = resolve(path);
  let text: string;
  try {
    text = readFileSync(absolute, 'utf8');
  } catch (cause) {
    const reason = (cause as NodeJS.ErrnoException).code ?? 'unreadable';
    throw ConfigError.forField('--config', `cannot read ${absolute} (${reason})`, { cause });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw ConfigError.forField('--config', `${absolute} is not valid JSON: ${(cause as Error).message}`, {
      cause,
    });
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw ConfigError.forField('(root)', `${absolute} must hold a JSON object`);
  }
  return { options: withAbsolutePaths(json, dirname(absolute)), baseDir: dirname(absolute) };
}

/** Rewrites the file paths a config may hold relative to its own folder; validation comes later. */
function withAbsolutePaths(json: object, baseDir: string): AgentOptions {
  const absolutize = (value: unknown): unknown =>
    typeof value === 'string' && value.length > 0 && !isAbsolute(value) ? resolve(baseDir, value) : value;
  const config = { ...json } as Record<string, unknown>;
  if ('stateFile' in config) config['stateFile'] = absolutize(config['stateFile']);
  const jobs = config['jobs'];
  if (typeof jobs === 'object' && jobs !== null && !Array.isArray(jobs) && 'stateFile' in jobs) {
    config['jobs'] = { ...jobs, stateFile: absolutize(jobs.stateFile) };
  }
  const mqtt = config['mqtt'];
  if (typeof mqtt === 'object' && mqtt !== null && !Array.isArray(mqtt)) {
    const copy = { ...mqtt } as Record<string, unknown>;
    for (const key of ['caFile', 'certFile', 'keyFile']) if (key in copy) copy[key] = absolutize(copy[key]);
    config['mqtt'] = copy;
  }
  return config as AgentOptions;
}

/** Reads, validates and resolves a config file in one step. Throws ConfigError. */
export function loadConfigFile(path: string): {
  readonly raw: AgentOptions;
  readonly resolved: ResolvedAgentOptions;
} {
  const { options } = readConfigFile(path);
  return { raw: options, resolved: resolveAgentOptions(options) };
}
