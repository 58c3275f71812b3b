import type * as AwsIotSdk from 'aws-iot-device-sdk-v2';
import type { Clock } from '../clock.js';
import { ConnectError, JobsAgentError, TransportError } from '../errors.js';
import { silentLogger, type Logger } from '../logger.js';
import { endpointFromUrl } from './connect-failure.js';
import { loadCrtSdk, missingSdk, sdkPayloadBytes, type CrtSdk } from './crt-sdk.js';
import { crtErrorText, describeCrtConnectFailure, describeCrtUnusableTlsMaterial } from './crt-failure.js';
import {
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_KEEPALIVE_SECONDS,
  DEFAULT_SESSION_EXPIRY_SECONDS,
} from './defaults.js';
import { LinkTransport, type Link, type LinkEvents } from './link-transport.js';
import { refusedFilters, refusedSubscription, subscribeBatches } from './suback.js';
import type { ConnectResult, TransportHandlers } from './transport.js';

export { CRT_SDK_PACKAGE, loadCrtSdk, missingSdk, type CrtSdk } from './crt-sdk.js';

/** Options of the AWS CRT transport. TLS material is PEM; it never appears in errors or logs. */
export interface CrtTransportOptions {
  /** `mqtts://host[:port]`; the port defaults to 8883. The CRT offers ALPN `x-amzn-mqtt-ca` itself. */
  readonly url: string;
  /** Fixed client id: the persistent session is keyed by it. */
  readonly clientId: string;
  /** CA bundle that signs the broker's certificate; the system roots when omitted. */
  readonly ca?: string | Uint8Array | undefined;
  /** Device certificate (PEM). */
  readonly cert: string | Uint8Array;
  /** Device private key (PEM, unencrypted: the CRT's in-memory builders take no passphrase). */
  readonly key: string | Uint8Array;
  /** @default 4 — the SDK's MQTT 3.1.1 connection; 5 selects its Mqtt5Client */
  readonly protocolVersion?: 4 | 5 | undefined;
  /** @default 60 */
  readonly keepaliveSeconds?: number | undefined;
  /** connect() settles within this time. @default 10_000 */
  readonly connectTimeoutMs?: number | undefined;
  /** MQTT 5 only: how long the broker keeps the session after a disconnect. @default 3600 */
  readonly sessionExpirySeconds?: number | undefined;
  /** @default 5_000 */
  readonly closeTimeoutMs?: number | undefined;
  readonly handlers: TransportHandlers;
  readonly clock?: Clock | undefined;
  readonly logger?: Logger | undefined;
  /** How the SDK is loaded; a dynamic import() by default, so only users of this transport need it. */
  readonly loadSdk?: (() => Promise<CrtSdk>) | undefined;
}

/**
 * The CRT keeps its own reconnect timer even with our ReconnectLoop in charge. We cannot switch it
 * off, so we pin it to a fixed delay without jitter and, the moment a connection is lost, stop
 * that connection (MQTT 5: stop(); 3.1.1: disconnect()), which cancels the pending retry. The
 * delay is the margin a busy event loop has to deliver the loss to us before the CRT would redial.
 */
const CRT_RECONNECT_HOLD_MS = 2_000;

/**
 * JobsTransport over the AWS IoT Device SDK v2 (aws-crt, a native addon): its MQTT 3.1.1
 * connection or its MQTT 5 client, mutual TLS from in-memory PEM, broker certificate verified,
 * persistent session, QoS 1. The SDK is loaded on the first connect(), only when this transport
 * is chosen. Reconnect belongs to the agent: see CRT_RECONNECT_HOLD_MS for how the CRT's own is
 * neutralized, and every connect() builds a fresh CRT connection.
 */
export class CrtTransport extends LinkTransport {
  constructor(options: CrtTransportOptions) {
    const endpoint = endpointFromUrl(options.url);
    const load = options.loadSdk ?? loadCrtSdk;
    const logger = options.logger ?? silentLogger;
    super({
      target: options.url,
      handlers: options.handlers,
      connectTimeoutMs: options.connectTimeoutMs,
      closeTimeoutMs: options.closeTimeoutMs,
      clock: options.clock,
      logger,
      openLink: async (events) => {
        const sdk = await load().catch((error: unknown) => {
          throw error instanceof JobsAgentError ? error : missingSdk(error);
        });
        const config = { ...options, ...endpoint, logger };
        try {
          return options.protocolVersion === 5
            ? mqtt5Link(sdk, config, events)
            : mqtt311Link(sdk, config, events);
        } catch (error) {
          // The builders throw synchronously on PEM material they cannot parse.
          throw new ConnectError(options.url, describeCrtUnusableTlsMaterial(error), { cause: error });
        }
      },
    });
  }
}

type LinkConfig = CrtTransportOptions & { host: string; port: number; logger: Logger };

const pem = (value: string | Uint8Array): string =>
  typeof value === 'string' ? value : Buffer.from(value).toString('utf8');

function mqtt311Link(sdk: CrtSdk, o: LinkConfig, events: LinkEvents): Link {
  const { iot, io, mqtt } = sdk;
  const builder = iot.AwsIotMqttConnectionConfigBuilder.new_mtls_builder(pem(o.cert), pem(o.key));
  if (o.ca !== undefined) builder.with_certificate_authority(pem(o.ca));
  const holdSeconds = CRT_RECONNECT_HOLD_MS / 1000;
  builder
    .with_endpoint(o.host)
    .with_port(o.port)
    .with_client_id(o.clientId)
    .with_clean_session(false)
    .with_keep_alive_seconds(o.keepaliveSeconds ?? DEFAULT_KEEPALIVE_SECONDS)
    .with_reconnect_min_sec(holdSeconds)
    .with_reconnect_max_sec(holdSeconds)
    .with_socket_options(socketOptions(io, o));
  const connection = new mqtt.MqttClient().new_connection(builder.build());
  let lastFailure: unknown;
  let released = false;
  // The CRT emits 'error' for every rejected promise, on the next tick: unhandled, it would crash.
  connection.on('error', (error) => {
    o.logger.debug({ err: error, clientId: o.clientId }, 'crt mqtt 3.1.1 error');
  });
  connection.on('connection_failure', ({ error }) => (lastFailure = error));
  connection.on('interrupt', (error) => {
    events.lost(`connection lost: ${crtErrorText(error)}`);
  });
  connection.on('message', (topic, payload) => {
    events.message(topic, new Uint8Array(payload));
  });
  const release = (): void => {
    if (released) return;
    released = true;
    // Cancels the CRT's pending reconnect; resolves when its hold delay fires. Not awaited.
    connection.disconnect().catch(() => undefined);
  };
  return {
    async open(): Promise<ConnectResult> {
      try {
        return { sessionPresent: await connection.connect() };
      } catch (error) {
        released = true; // a connection that never opened has nothing to disconnect
        throw new ConnectError(o.url, describeCrtConnectFailure(lastFailure ?? error), {
          cause: lastFailure ?? error,
        });
      }
    },
    async subscribe(filters) {
      const grants = await Promise.all(filters.map((f) => connection.subscribe(f, mqtt.QoS.AtLeastOnce)));
      const refused = grants.filter((grant) => grantRefused(grant.qos)).map((grant) => grant.topic);
      if (refused.length > 0) throw refusedSubscription(refused);
    },
    async unsubscribe(filters) {
      await Promise.all(filters.map((f) => connection.unsubscribe(f)));
    },
    async publish(topic, payload) {
      await connection.publish(topic, payload, mqtt.QoS.AtLeastOnce);
    },
    async end() {
      released = true;
      await connection.disconnect();
    },
    abandon: release,
  };
}

function mqtt5Link(sdk: CrtSdk, o: LinkConfig, events: LinkEvents): Link {
  const { iot, io, mqtt5 } = sdk;
  const builder = iot.AwsIotMqtt5ClientConfigBuilder.newDirectMqttBuilderWithMtlsFromMemory(
    o.host,
    pem(o.cert),
    pem(o.key),
  );
  if (o.ca !== undefined) builder.withCertificateAuthority(pem(o.ca));
  builder
    .withPort(o.port)
    .withConnectProperties({
      clientId: o.clientId,
      keepAliveIntervalSeconds: o.keepaliveSeconds ?? DEFAULT_KEEPALIVE_SECONDS,
      sessionExpiryIntervalSeconds: o.sessionExpirySeconds ?? DEFAULT_SESSION_EXPIRY_SECONDS,
    })
    // Every connect() builds a new client; RejoinAlways keeps the broker's session across them.
    .withSessionBehavior(mqtt5.ClientSessionBehavior.RejoinAlways)
    .withRetryJitterMode(mqtt5.RetryJitterType.None)
    .withMinReconnectDelayMs(CRT_RECONNECT_HOLD_MS)
    .withMaxReconnectDelayMs(CRT_RECONNECT_HOLD_MS)
    .withOfflineQueueBehavior(mqtt5.ClientOperationQueueBehavior.FailAllOnDisconnect)
    .withConnackTimeoutMs(o.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS)
    .withSocketOptions(socketOptions(io, o));
  const client = new mqtt5.Mqtt5Client(builder.build());
  let stopped = false;
  let closed = false;
  const stoppedOnce = new Promise<void>((resolve) => client.once('stopped', () => resolve()));
  const closeAfterStop = (): void => {
    void stoppedOnce.then(() => {
      if (closed) return;
      closed = true;
      client.close();
    });
  };
  const stop = (disconnect?: { reasonCode: number }): void => {
    if (stopped) return;
    stopped = true;
    client.stop(disconnect);
    closeAfterStop();
  };
  client.on('error', (error) => {
    o.logger.debug({ err: error, clientId: o.clientId }, 'crt mqtt5 error');
  });
  client.on('messageReceived', ({ message }) => {
    events.message(message.topicName, sdkPayloadBytes(message.payload));
  });
  return {
    open: () =>
      new Promise<ConnectResult>((resolve, reject) => {
        let opened = false;
        client.on('connectionSuccess', ({ connack }) => {
          if (opened) return; // a redial of the CRT's own; cannot happen while stop() is timely
          opened = true;
          client.on('disconnection', ({ error }) => {
            stop(); // before the CRT's hold delay runs out: no redial of its own
            events.lost(`connection lost: ${crtErrorText(error)}`);
          });
          resolve({ sessionPresent: connack.sessionPresent });
        });
        client.on('connectionFailure', ({ error }) => {
          if (opened) return;
          stop();
          reject(new ConnectError(o.url, describeCrtConnectFailure(error), { cause: error }));
        });
        client.start();
      }),
    async subscribe(filters) {
      for (const batch of subscribeBatches(filters)) {
        const suback = await client.subscribe({
          subscriptions: batch.map((topicFilter) => ({ topicFilter, qos: mqtt5.QoS.AtLeastOnce })),
        });
        const refused = refusedFilters(batch, suback.reasonCodes);
        if (refused.length > 0) throw refusedSubscription(refused);
      }
    },
    async unsubscribe(filters) {
      await client.unsubscribe({ topicFilters: [...filters] });
    },
    async publish(topic, payload) {
      const puback = await client.publish({ topicName: topic, payload, qos: mqtt5.QoS.AtLeastOnce });
      if (puback && reasonCodeFailed(puback.reasonCode)) {
        throw new TransportError(
          `the broker refused the publish to ${topic} (reason code ${puback.reasonCode})`,
        );
      }
    },
    end() {
      stop({ reasonCode: 0 }); // NormalDisconnection
      return stoppedOnce;
    },
    abandon: () => {
      stop();
    },
  };
}

function socketOptions(io: CrtSdk['io'], o: LinkConfig): AwsIotSdk.io.SocketOptions {
  return new io.SocketOptions(
    io.SocketType.STREAM,
    io.SocketDomain.IPV4,
    o.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
  );
}

/** MQTT 3.1.1 SUBACK: 0x80 is a failure; we asked for QoS 1, so anything above it is wrong too. */
const grantRefused = (qos: number): boolean => qos > 1;
/** MQTT 5 reason codes: 0x80 and above are failures [MQTT-2.4]. */
const reasonCodeFailed = (code: number): boolean => code >= 0x80;
