import { createRequire } from 'node:module';
import type * as Zod from 'zod';

/** zod's `z`, the namespace its schemas are built from. */
export type ZodApi = typeof Zod.z;

let loaded: ZodApi | undefined;

/**
 * zod, loaded on first use and synchronously, for validation that must stay synchronous (the
 * JobsAgent constructor throws ConfigError) yet should not pay zod's import (70-150 ms, most of
 * the agent's cold start) when the input is well-formed and a fast path accepted it.
 */
export function loadZod(): ZodApi {
  loaded ??= (createRequire(import.meta.url)('zod') as typeof Zod).z;
  return loaded;
}
