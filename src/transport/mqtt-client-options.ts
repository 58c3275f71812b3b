import { isIP } from 'node:net';
import type { IClientOptions } from 'mqtt';
import type { MqttsEndpoint } from './connect-failure.js';
import { DEFAULT_KEEPALIVE_SECONDS, DEFAULT_SESSION_EXPIRY_SECONDS } from './defaults.js';
import type { MqttTransportOptions } from './mqtt-transport.js';

/** What the MQTT.js client options are read from: the transport's own options. */
export type MqttClientSettings = Pick<
  MqttTransportOptions,
  | 'clientId'
  | 'ca'
  | 'cert'
  | 'key'
  | 'passphrase'
  | 'protocolVersion'
  | 'keepaliveSeconds'
  | 'sessionExpirySeconds'
>;

/**
 * The MQTT.js options of one connection attempt, from the transport's options: mutual TLS with
 * the broker's certificate verified, a persistent session (clean: false), and none of MQTT.js's
 * own reconnect or resubscribe (the agent owns both). Adds what AWS IoT needs of the endpoint:
 * SNI for a host name, ALPN `x-amzn-mqtt-ca` on port 443. Pure; undefined TLS extras are
 * omitted, never passed as undefined.
 */
export function mqttClientOptions(
  settings: MqttClientSettings,
  { host, port }: MqttsEndpoint,
  connectTimeoutMs: number,
): IClientOptions & { passphrase?: string } {
  const version = settings.protocolVersion ?? 4;
  return {
    protocol: 'mqtts',
    host,
    port,
    clientId: settings.clientId,
    protocolVersion: version,
    clean: false,
    keepalive: settings.keepaliveSeconds ?? DEFAULT_KEEPALIVE_SECONDS,
    // The transport's timer fires first and names the phase; MQTT.js's own is only a backstop.
    connectTimeout: connectTimeoutMs + 5_000,
    reconnectPeriod: 0,
    resubscribe: false,
    queueQoSZero: false,
    rejectUnauthorized: true,
    cert: settings.cert,
    key: settings.key,
    ...(settings.ca !== undefined ? { ca: settings.ca } : {}),
    ...(settings.passphrase !== undefined ? { passphrase: settings.passphrase } : {}),
    // SNI must be a host name (RFC 6066); AWS IoT routes on it, custom domains need it.
    ...(isIP(host) === 0 ? { servername: host } : {}),
    // AWS IoT serves MQTT on 443 only to clients offering this ALPN protocol.
    ...(port === 443 ? { ALPNProtocols: ['x-amzn-mqtt-ca'] } : {}),
    ...(version === 5
      ? {
          properties: {
            sessionExpiryInterval: settings.sessionExpirySeconds ?? DEFAULT_SESSION_EXPIRY_SECONDS,
          },
        }
      : {}),
  };
}
