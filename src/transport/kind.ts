import type { TransportKind } from '../config/schema.js';

/** What the nucleus gives a Greengrass component for IPC (SVCUID is also its TES token). */
export const GREENGRASS_IPC_ENV = ['SVCUID', 'AWS_GG_NUCLEUS_DOMAIN_SOCKET_FILEPATH_FOR_COMPONENT'] as const;

/** A transport kind after `auto` was decided. */
export type ConcreteTransportKind = Exclude<TransportKind, 'auto'>;

/** True when `env` carries what the nucleus gives a component for IPC. */
export function isGreengrassComponent(env: NodeJS.ProcessEnv = process.env): boolean {
  return GREENGRASS_IPC_ENV.every((name) => (env[name] ?? '') !== '');
}

/**
 * Decides `auto`: Greengrass IPC when the nucleus started us as a component (it sets SVCUID and
 * AWS_GG_NUCLEUS_DOMAIN_SOCKET_FILEPATH_FOR_COMPONENT), MQTT.js otherwise.
 */
export function resolveTransportKind(
  kind: TransportKind,
  env: NodeJS.ProcessEnv = process.env,
): ConcreteTransportKind {
  if (kind !== 'auto') return kind;
  return isGreengrassComponent(env) ? 'greengrass-ipc' : 'mqtt';
}
