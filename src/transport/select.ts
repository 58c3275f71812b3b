import type { Clock } from '../clock.js';
import type { TlsMaterial } from '../config/resolve.js';
import type { TransportKind } from '../config/schema.js';
import { ConfigError } from '../errors.js';
import type { Logger } from '../logger.js';
import { CrtTransport, type CrtSdk } from './crt-transport.js';
import { GreengrassIpcTransport, type GreengrassIpcClient } from './greengrass-ipc-transport.js';
import { resolveTransportKind } from './kind.js';
import { MqttTransport } from './mqtt-transport.js';
import type { TransportFactory } from './transport.js';

export { resolveTransportKind, type ConcreteTransportKind } from './kind.js';

/** What transport selection reads from the resolved options (ResolvedAgentOptions fits). */
export interface TransportSelectionOptions {
  readonly transport: TransportKind;
  readonly clientId: string;
  /** Required by `mqtt` and `crt`; ignored by `greengrass-ipc` (the nucleus owns the connection). */
  readonly mqtt?:
    | {
        readonly url: string;
        readonly protocolVersion: 4 | 5;
        readonly keepaliveSeconds: number;
        readonly connectTimeoutMs: number;
      }
    | undefined;
  /** Required by `mqtt` and `crt`; ignored by `greengrass-ipc`. */
  readonly tls?: TlsMaterial | undefined;
}

/** Seams for tests and embedders; each has a working default. */
export interface TransportSelectionDependencies {
  readonly clock?: Clock | undefined;
  readonly logger?: Logger | undefined;
  /** Loads aws-iot-device-sdk-v2 for `crt` (a dynamic import by default). */
  readonly loadCrtSdk?: (() => Promise<CrtSdk>) | undefined;
  /** Builds the IPC client for `greengrass-ipc` (the SDK's createClient() by default). */
  readonly createIpcClient?: (() => GreengrassIpcClient | Promise<GreengrassIpcClient>) | undefined;
}

/**
 * The TransportFactory the options' `transport` names. Throws ConfigError when the chosen
 * transport lacks what it needs (the `mqtt` section and certificates for `mqtt` and `crt`; an
 * unencrypted key for `crt`). aws-iot-device-sdk-v2 is not loaded here: `crt` and
 * `greengrass-ipc` load it on their first connect().
 */
export function selectTransportFactory(
  options: TransportSelectionOptions,
  env: NodeJS.ProcessEnv = process.env,
  dependencies: TransportSelectionDependencies = {},
): TransportFactory {
  const kind = resolveTransportKind(options.transport, env);
  const { clock, logger } = dependencies;
  if (kind === 'greengrass-ipc') {
    return (handlers) =>
      new GreengrassIpcTransport({
        handlers,
        env,
        clock,
        logger,
        createClient: dependencies.createIpcClient,
        connectTimeoutMs: options.mqtt?.connectTimeoutMs,
      });
  }
  const { mqtt, tls } = options;
  if (!mqtt) throw ConfigError.forField('mqtt', `is required for transport "${kind}"`);
  if (!tls) throw ConfigError.forField('mqtt.certFile', `is required for transport "${kind}"`);
  const common = {
    url: mqtt.url,
    clientId: options.clientId,
    cert: tls.cert,
    key: tls.key,
    ...(tls.ca ? { ca: tls.ca } : {}),
    protocolVersion: mqtt.protocolVersion,
    keepaliveSeconds: mqtt.keepaliveSeconds,
    connectTimeoutMs: mqtt.connectTimeoutMs,
    clock,
    logger,
  };
  if (kind === 'mqtt') {
    return (handlers) =>
      new MqttTransport({
        ...common,
        ...(tls.passphrase !== undefined ? { passphrase: tls.passphrase } : {}),
        handlers,
      });
  }
  if (tls.passphrase !== undefined) {
    throw ConfigError.forField(
      'mqtt.keyPassphrase',
      'transport "crt" cannot use an encrypted private key (the CRT loads PEM keys without a passphrase); decrypt it or use transport "mqtt"',
    );
  }
  return (handlers) => new CrtTransport({ ...common, handlers, loadSdk: dependencies.loadCrtSdk });
}
