import { z } from 'zod';
import { toConfigError } from '../config/resolve.js';
import { ConfigError } from '../errors.js';
import { stepTimeoutProblem } from '../protocol/requests.js';
import type { HandleOptions, LifecycleOptions } from './types.js';

const lifecycleOptionsSchema = z.strictObject({
  concurrency: z.number().int().min(1).max(64).default(1),
  progressIntervalMs: z.number().int().min(0).max(3_600_000).default(1_000),
  unhandledJobs: z.enum(['ignore', 'reject']).default('ignore'),
  abortGraceMs: z.number().int().min(0).max(3_600_000).default(10_000),
  stopDrainMs: z.number().int().min(0).max(600_000).default(5_000),
  stateFile: z.string().min(1).optional(),
});

export type ResolvedLifecycleOptions = z.output<typeof lifecycleOptionsSchema>;

/** Validates the lifecycle options once, at construction; ConfigError names the field. */
export function resolveLifecycleOptions(options: LifecycleOptions = {}): ResolvedLifecycleOptions {
  const parsed = lifecycleOptionsSchema.safeParse(withoutUndefined(options));
  if (!parsed.success) {
    const error = toConfigError(parsed.error);
    throw new ConfigError(
      error.issues.map((issue) => ({ ...issue, path: `lifecycle.${issue.path}` })),
      { cause: error },
    );
  }
  return parsed.data;
}

export interface ResolvedHandleOptions {
  readonly concurrency: number;
  readonly stepTimeoutInMinutes: number | undefined;
  readonly resumable: boolean;
}

/** Checks `handle()` options; ConfigError names the field. */
export function resolveHandleOptions(
  operation: unknown,
  options: HandleOptions<unknown>,
): ResolvedHandleOptions {
  if (typeof operation !== 'string' || operation === '') {
    throw ConfigError.forField('operation', 'must be a non-empty string');
  }
  const { concurrency = 1, stepTimeoutInMinutes, resumable = false, schema } = options;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw ConfigError.forField('concurrency', 'must be a whole number of at least 1');
  }
  if (stepTimeoutInMinutes !== undefined) {
    const problem = stepTimeoutProblem(stepTimeoutInMinutes);
    if (problem !== undefined) throw ConfigError.forField('stepTimeoutInMinutes', problem);
  }
  if (typeof resumable !== 'boolean') throw ConfigError.forField('resumable', 'must be true or false');
  if (
    schema !== undefined &&
    typeof schema !== 'function' &&
    !(typeof schema === 'object' && '~standard' in schema)
  ) {
    throw ConfigError.forField('schema', 'must be a Standard Schema (e.g. a zod schema) or a function');
  }
  return { concurrency, stepTimeoutInMinutes, resumable };
}

function withoutUndefined(options: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
}
