import { toConfigError } from '../config/resolve.js';
import { numberFits, UNHANDLED_JOBS, type DefaultedNumberRule } from '../config/rules.js';
import { ConfigError } from '../errors.js';
import { stepTimeoutProblem } from '../protocol/requests.js';
import { loadZod } from '../zod-loader.js';
import type { HandleOptions, LifecycleOptions } from './types.js';

/** The numeric lifecycle options: ranges and defaults, for both validators below. */
const LIFECYCLE_RULES = {
  concurrency: { integer: true, min: 1, max: 64, default: 1 },
  progressIntervalMs: { integer: true, min: 0, max: 3_600_000, default: 1_000 },
  abortGraceMs: { integer: true, min: 0, max: 3_600_000, default: 10_000 },
  stopDrainMs: { integer: true, min: 0, max: 600_000, default: 5_000 },
} as const satisfies Record<string, DefaultedNumberRule>;

type NumericOption = keyof typeof LIFECYCLE_RULES;

export interface ResolvedLifecycleOptions {
  readonly concurrency: number;
  readonly progressIntervalMs: number;
  readonly unhandledJobs: (typeof UNHANDLED_JOBS)[number];
  readonly abortGraceMs: number;
  readonly stopDrainMs: number;
  readonly stateFile?: string;
}

/**
 * Validates the lifecycle options once, at construction; ConfigError names the field. Well-formed
 * options (usually none are set) are accepted without zod; anything else is parsed by the zod
 * schema, which explains what is wrong.
 */
export function resolveLifecycleOptions(options: LifecycleOptions = {}): ResolvedLifecycleOptions {
  const input = withoutUndefined(options);
  return acceptLifecycleOptions(input) ?? parseLifecycleOptions(input);
}

/** The fast path: the options with their defaults, or undefined at the first doubt. */
function acceptLifecycleOptions(
  input: Readonly<Record<string, unknown>>,
): ResolvedLifecycleOptions | undefined {
  const numbers: Record<NumericOption, number> = {
    concurrency: LIFECYCLE_RULES.concurrency.default,
    progressIntervalMs: LIFECYCLE_RULES.progressIntervalMs.default,
    abortGraceMs: LIFECYCLE_RULES.abortGraceMs.default,
    stopDrainMs: LIFECYCLE_RULES.stopDrainMs.default,
  };
  let unhandledJobs: ResolvedLifecycleOptions['unhandledJobs'] = 'ignore';
  let stateFile: string | undefined;
  for (const [key, value] of Object.entries(input)) {
    if (isNumericOption(key)) {
      if (!numberFits(value, LIFECYCLE_RULES[key])) return undefined;
      numbers[key] = value;
    } else if (key === 'unhandledJobs') {
      if (value !== 'ignore' && value !== 'reject') return undefined;
      unhandledJobs = value;
    } else if (key === 'stateFile') {
      if (typeof value !== 'string' || value === '') return undefined;
      stateFile = value;
    } else {
      return undefined;
    }
  }
  return { ...numbers, unhandledJobs, ...(stateFile !== undefined ? { stateFile } : {}) };
}

function isNumericOption(key: string): key is NumericOption {
  return Object.hasOwn(LIFECYCLE_RULES, key);
}

/** The zod path: the same rules, built on first use; throws ConfigError naming the field. */
function parseLifecycleOptions(input: Readonly<Record<string, unknown>>): ResolvedLifecycleOptions {
  const z = loadZod();
  const number = (rule: DefaultedNumberRule) => {
    const base = rule.integer ? z.number().int() : z.number();
    return base
      .min(rule.min)
      .max(rule.max ?? Number.MAX_VALUE)
      .default(rule.default);
  };
  const schema = z.strictObject({
    concurrency: number(LIFECYCLE_RULES.concurrency),
    progressIntervalMs: number(LIFECYCLE_RULES.progressIntervalMs),
    unhandledJobs: z.enum(UNHANDLED_JOBS).default('ignore'),
    abortGraceMs: number(LIFECYCLE_RULES.abortGraceMs),
    stopDrainMs: number(LIFECYCLE_RULES.stopDrainMs),
    stateFile: z.string().min(1).optional(),
  });
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const error = toConfigError(parsed.error);
    throw new ConfigError(
      error.issues.map((issue) => ({ ...issue, path: `lifecycle.${issue.path}` })),
      { cause: error },
    );
  }
  const { stateFile, ...rest } = parsed.data;
  return { ...rest, ...(stateFile !== undefined ? { stateFile } : {}) };
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
