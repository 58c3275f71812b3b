import type { z } from 'zod';
import { RECONNECT_RULES } from './rules.js';
import type { AgentOptionsSchema } from './zod-schema.js';

/**
 * The types of AgentOptions, derived from the zod schema (./zod-schema.ts) without loading it:
 * this module is on every agent's import path, zod is not.
 */

/** Options as written by a user (config file JSON, or code with PEM buffers). */
export type AgentOptions = z.input<AgentOptionsSchema>;
/** Options after validation and defaults. */
export type ParsedAgentOptions = z.output<AgentOptionsSchema>;
export type CredentialsConfig = NonNullable<ParsedAgentOptions['reconcile']>['credentials'];

export { TRANSPORT_KINDS, type TransportKind } from './rules.js';

/** Reconnect backoff when the options have no `mqtt` section (Greengrass IPC). */
export const DEFAULT_RECONNECT: Readonly<{ initialDelayMs: number; maxDelayMs: number }> = Object.freeze({
  initialDelayMs: RECONNECT_RULES.initialDelayMs.default,
  maxDelayMs: RECONNECT_RULES.maxDelayMs.default,
});
