import mqtt, { ErrorWithSubackPacket, type MqttClient } from 'mqtt';
import { systemClock, type Cancel, type Clock } from '../clock.js';
import { ClosedError, ConnectError, TransportError } from '../errors.js';
import { silentLogger, type Logger } from '../logger.js';
import {
  describeConnectFailure,
  describeConnectTimeout,
  describeUnusableTlsMaterial,
  endpointFromUrl,
  type ConnectPhase,
  type MqttsEndpoint,
} from './connect-failure.js';
import { DEFAULT_CLOSE_TIMEOUT_MS, DEFAULT_CONNECT_TIMEOUT_MS } from './defaults.js';
import { InFlight } from './in-flight.js';
import { mqttClientOptions } from './mqtt-client-options.js';
import { refusedFilters, refusedSubscription, subscribeBatches } from './suback.js';
import type { ConnectResult, JobsTransport, TransportHandlers } from './transport.js';

/** Options of the MQTT.js transport. TLS material is PEM; it never appears in errors or logs. */
export interface MqttTransportOptions {
  /** `mqtts://host[:port]`; the port defaults to 8883. On 443, ALPN `x-amzn-mqtt-ca` is offered. */
  readonly url: string;
  /** Fixed client id: the persistent session (clean: false) is keyed by it. */
  readonly clientId: string;
  /** CA bundle that signs the broker's certificate; Node's default roots when omitted. */
  readonly ca?: string | Buffer | undefined;
  /** Device certificate (PEM). */
  readonly cert: string | Buffer;
  /** Device private key (PEM). */
  readonly key: string | Buffer;
  readonly passphrase?: string | undefined;
  /** @default 4 (MQTT 3.1.1; aedes in the tests speaks only 3.1.1) */
  readonly protocolVersion?: 4 | 5 | undefined;
  /**
   * PINGREQ interval. AWS IoT accepts 30–1200 s (less counts as 30).
   * @default 60 — a half-open connection is noticed within ~1.5 minutes
   */
  readonly keepaliveSeconds?: number | undefined;
  /** connect() settles within this time, whatever the network does. @default 10_000 */
  readonly connectTimeoutMs?: number | undefined;
  /** MQTT 5 only: how long the broker keeps the session after a disconnect. @default 3600 */
  readonly sessionExpirySeconds?: number | undefined;
  /** Bound on the graceful part of close() (waiting for PUBACKs, DISCONNECT). @default 5_000 */
  readonly closeTimeoutMs?: number | undefined;
  readonly handlers: TransportHandlers;
  readonly clock?: Clock | undefined;
  readonly logger?: Logger | undefined;
}

interface Attempt {
  readonly client: MqttClient;
  phase: ConnectPhase;
  fail(error: Error): void;
}

/**
 * JobsTransport over MQTT.js 5, mutual TLS, persistent session (clean: false, fixed client id),
 * QoS 1. MQTT.js never reconnects by itself (reconnectPeriod: 0): the agent's ReconnectLoop calls
 * connect() again, and every connect() builds a fresh MqttClient. That keeps the state of one
 * connection in one place; the broker-side session survives anyway since it is keyed by client id.
 * Work in flight when a connection is lost (PUBACK, SUBACK) rejects with TransportError; MQTT.js
 * would keep QoS 1 publishes of a clean: false client pending forever otherwise.
 */
export class MqttTransport implements JobsTransport {
  readonly #options: MqttTransportOptions;
  readonly #endpoint: MqttsEndpoint;
  readonly #clock: Clock;
  readonly #logger: Logger;
  #client: MqttClient | undefined;
  #attempt: Attempt | undefined;
  #connecting: Promise<ConnectResult> | undefined;
  #closing: Promise<void> | undefined;
  #connected = false;
  #lastResult: ConnectResult = { sessionPresent: false };
  /** Operations awaiting an ack on the current connection. */
  readonly #inFlight = new InFlight();

  constructor(options: MqttTransportOptions) {
    this.#options = options;
    this.#endpoint = endpointFromUrl(options.url);
    this.#clock = options.clock ?? systemClock;
    this.#logger = options.logger ?? silentLogger;
  }

  get connected(): boolean {
    return this.#connected;
  }

  /** Resolves at once when already connected; concurrent calls share one attempt. */
  connect(): Promise<ConnectResult> {
    if (this.#connected) return Promise.resolve(this.#lastResult);
    this.#connecting ??= this.#open().finally(() => {
      this.#connecting = undefined;
    });
    return this.#connecting;
  }

  async subscribe(filters: readonly string[]): Promise<void> {
    for (const batch of subscribeBatches(filters)) {
      const codes = await this.#run(`subscribe to ${batch.join(', ')}`, (client) =>
        client.subscribeAsync(Object.fromEntries(batch.map((filter) => [filter, { qos: 1 as const }]))).then(
          (grants) => grants.map((grant) => grant.qos),
          // MQTT.js rejects a SUBACK with a failure code; its packet says which filter failed.
          (error: unknown) => {
            if (error instanceof ErrorWithSubackPacket) return error.packet.granted;
            throw error;
          },
        ),
      );
      const refused = refusedFilters(batch, codes);
      if (refused.length > 0) throw refusedSubscription(refused);
    }
  }

  async unsubscribe(filters: readonly string[]): Promise<void> {
    for (const batch of subscribeBatches(filters)) {
      await this.#run(`unsubscribe from ${batch.join(', ')}`, (client) => client.unsubscribeAsync(batch));
    }
  }

  async publish(topic: string, payload: string): Promise<void> {
    await this.#run(`publish to ${topic}`, (client) => client.publishAsync(topic, payload, { qos: 1 }));
  }

  /** DISCONNECT after in-flight PUBACKs (bounded by closeTimeoutMs), then the socket. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= this.#shutdown().finally(() => {
      this.#closing = undefined;
    });
    return this.#closing;
  }

  async #shutdown(): Promise<void> {
    this.#attempt?.fail(new ClosedError('the transport was closed while connecting'));
    const client = this.#client;
    this.#client = undefined;
    const wasConnected = this.#connected;
    this.#connected = false;
    if (client) await this.#end(client, wasConnected);
    this.#inFlight.rejectAll(new ClosedError('the transport was closed before the broker acknowledged'));
  }

  #end(client: MqttClient, graceful: boolean): Promise<void> {
    if (!graceful) {
      client.end(true);
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      // A second end() is a no-op in MQTT.js, so the fallback destroys the stream itself.
      const cancel = this.#clock.schedule(this.#options.closeTimeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS, () => {
        client.stream.destroy();
        resolve();
      });
      client.end(false, () => {
        cancel();
        resolve();
      });
    });
  }

  #open(): Promise<ConnectResult> {
    const { url } = this.#options;
    const timeoutMs = this.#options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    return new Promise<ConnectResult>((resolve, reject) => {
      let client: MqttClient;
      try {
        client = mqtt.connect(mqttClientOptions(this.#options, this.#endpoint, timeoutMs));
      } catch (error) {
        // Node's TLS context creation throws synchronously on unusable PEM material.
        reject(new ConnectError(url, describeUnusableTlsMaterial(error), { cause: error }));
        return;
      }
      let cancelTimeout: Cancel = () => undefined;
      const attempt: Attempt = {
        client,
        phase: 'tcp',
        fail: (error) => {
          if (this.#attempt !== attempt) return;
          this.#attempt = undefined;
          // Forget the client first: its late 'close' must not look like a lost connection.
          if (this.#client === client) this.#client = undefined;
          cancelTimeout();
          client.end(true);
          reject(error);
        },
      };
      this.#attempt = attempt;
      this.#client = client;
      cancelTimeout = this.#clock.schedule(timeoutMs, () => {
        attempt.fail(new ConnectError(url, describeConnectTimeout(timeoutMs, attempt.phase)));
      });
      client.stream.once('connect', () => (attempt.phase = 'tls'));
      client.stream.once('secureConnect', () => (attempt.phase = 'mqtt'));
      let lastError: Error | undefined;
      client.on('error', (error) => {
        // Always handled: an 'error' without a listener would throw out of MQTT.js.
        lastError = error;
        if (this.#attempt === attempt) {
          attempt.fail(new ConnectError(url, describeConnectFailure(error, attempt.phase), { cause: error }));
        } else {
          this.#logger.debug({ err: error, clientId: this.#options.clientId }, 'mqtt client error');
        }
      });
      client.on('disconnect', (packet) => {
        lastError = new Error(`the broker sent DISCONNECT (reason code ${packet.reasonCode ?? 0})`);
      });
      client.on('message', (topic, payload) => {
        this.#deliver(topic, payload);
      });
      client.on('close', () => {
        if (this.#attempt === attempt) {
          attempt.fail(
            new ConnectError(url, describeConnectFailure(lastError, attempt.phase), { cause: lastError }),
          );
        } else if (this.#client === client) {
          this.#lost(client, lastError);
        }
      });
      client.once('connect', (connack) => {
        if (this.#attempt !== attempt) return;
        this.#attempt = undefined;
        cancelTimeout();
        this.#connected = true;
        this.#lastResult = { sessionPresent: connack.sessionPresent };
        resolve(this.#lastResult);
      });
    });
  }

  /** Runs one acked operation on the live connection; rejects when not connected or when it drops. */
  #run<T>(what: string, operation: (client: MqttClient) => Promise<T>): Promise<T> {
    return this.#inFlight.run(what, this.#connected ? this.#client : undefined, operation);
  }

  #lost(client: MqttClient, lastError: Error | undefined): void {
    this.#client = undefined;
    this.#connected = false;
    client.end(true);
    const reason = lastError
      ? `connection lost: ${lastError.message}`
      : 'connection closed by the broker or the network';
    this.#inFlight.rejectAll(new TransportError(`${reason} before the broker acknowledged`));
    try {
      this.#options.handlers.onDisconnect(reason);
    } catch (error) {
      this.#logger.error({ err: error }, 'onDisconnect handler threw');
    }
  }

  #deliver(topic: string, payload: Uint8Array): void {
    try {
      this.#options.handlers.onMessage(topic, payload);
    } catch (error) {
      this.#logger.error({ err: error, topic }, 'onMessage handler threw');
    }
  }
}
