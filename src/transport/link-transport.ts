import { systemClock, type Cancel, type Clock } from '../clock.js';
import { ClosedError, ConnectError, JobsAgentError, TransportError, describeError } from '../errors.js';
import { silentLogger, type Logger } from '../logger.js';
import { DEFAULT_CLOSE_TIMEOUT_MS, DEFAULT_CONNECT_TIMEOUT_MS } from './defaults.js';
import { InFlight } from './in-flight.js';
import type { ConnectResult, JobsTransport, TransportHandlers } from './transport.js';

/**
 * One connection of some MQTT stack (the AWS CRT's MQTT 3.1.1 or MQTT 5 client, a Greengrass IPC
 * client), stripped to what a JobsTransport needs. A link is used for one connection only: after
 * it is lost, ended or abandoned, the transport opens a new one. Links translate their library's
 * errors into words (ConnectError / TransportError); LinkTransport adds the state machine.
 */
export interface Link {
  /** Connects; resolves on CONNACK (or the IPC handshake). Rejects with a ConnectError. */
  open(): Promise<ConnectResult>;
  /** Resolves once every filter is granted at QoS 1 or less; rejects when one is refused. */
  subscribe(filters: readonly string[]): Promise<void>;
  unsubscribe(filters: readonly string[]): Promise<void>;
  /** QoS 1; resolves on PUBACK. */
  publish(topic: string, payload: string): Promise<void>;
  /** Graceful DISCONNECT and release. The caller bounds how long it waits. */
  end(): Promise<void>;
  /** Drops the connection at once, stops any reconnect of the library's own, frees it. Never throws. */
  abandon(): void;
}

/** What a link reports. `lost` is ignored unless the link is the current, connected one. */
export interface LinkEvents {
  message(topic: string, payload: Uint8Array): void;
  lost(reason: string): void;
}

/** Builds the link of one connection attempt; may be async (loading an optional SDK). */
export type LinkOpener = (events: LinkEvents) => Link | Promise<Link>;

export interface LinkTransportOptions {
  /** Names the peer in ConnectError (`mqtts://host:port`, `greengrass-ipc`). */
  readonly target: string;
  readonly openLink: LinkOpener;
  readonly handlers: TransportHandlers;
  /** @default 10_000 */
  readonly connectTimeoutMs?: number | undefined;
  /** @default 5_000 */
  readonly closeTimeoutMs?: number | undefined;
  readonly clock?: Clock | undefined;
  readonly logger?: Logger | undefined;
}

/**
 * The JobsTransport state machine shared by the CRT and Greengrass IPC transports (MqttTransport
 * predates it and keeps its own; both track acked operations with InFlight): at most one
 * connection attempt at a time, a connect timeout on the injected Clock, acked operations that
 * reject when their connection drops, exactly one onDisconnect per lost connection and none for
 * close(). It never reconnects by itself; every connect() after a loss opens a fresh link, as the
 * agent's ReconnectLoop expects.
 */
export class LinkTransport implements JobsTransport {
  readonly #options: LinkTransportOptions;
  readonly #clock: Clock;
  readonly #logger: Logger;
  #link: Link | undefined;
  #failAttempt: ((error: Error) => void) | undefined;
  #connecting: Promise<ConnectResult> | undefined;
  #closing: Promise<void> | undefined;
  #connected = false;
  #lastResult: ConnectResult = { sessionPresent: false };
  /** Operations awaiting an ack on the current link. */
  readonly #inFlight = new InFlight();

  constructor(options: LinkTransportOptions) {
    this.#options = options;
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

  subscribe(filters: readonly string[]): Promise<void> {
    return this.#run(`subscribe to ${filters.join(', ')}`, (link) => link.subscribe(filters));
  }

  unsubscribe(filters: readonly string[]): Promise<void> {
    return this.#run(`unsubscribe from ${filters.join(', ')}`, (link) => link.unsubscribe(filters));
  }

  publish(topic: string, payload: string): Promise<void> {
    return this.#run(`publish to ${topic}`, (link) => link.publish(topic, payload));
  }

  /** DISCONNECT (bounded by closeTimeoutMs), then release. Idempotent; never calls onDisconnect. */
  close(): Promise<void> {
    this.#closing ??= this.#shutdown().finally(() => {
      this.#closing = undefined;
    });
    return this.#closing;
  }

  #open(): Promise<ConnectResult> {
    const { target } = this.#options;
    const timeoutMs = this.#options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    return new Promise<ConnectResult>((resolve, reject) => {
      let link: Link | undefined;
      let settled = false;
      const fail = (error: Error): void => {
        if (settled) return;
        settled = true;
        this.#failAttempt = undefined;
        cancelTimeout();
        link?.abandon();
        if (this.#link === link) this.#link = undefined;
        reject(error);
      };
      this.#failAttempt = fail;
      const cancelTimeout: Cancel = this.#clock.schedule(timeoutMs, () => {
        fail(new ConnectError(target, `timed out after ${timeoutMs} ms`));
      });
      const events: LinkEvents = {
        message: (topic, payload) => {
          if (link !== undefined && this.#link === link) this.#deliver(topic, payload);
        },
        lost: (reason) => {
          if (!settled) fail(new ConnectError(target, reason));
          else if (link !== undefined && this.#link === link && this.#connected) this.#lost(link, reason);
        },
      };
      const start = async (): Promise<ConnectResult> => {
        link = await this.#options.openLink(events);
        if (settled) {
          link.abandon();
          throw new ClosedError('the connection attempt ended before the link was built');
        }
        this.#link = link;
        return link.open();
      };
      start().then(
        (result) => {
          if (settled) return;
          settled = true;
          this.#failAttempt = undefined;
          cancelTimeout();
          this.#connected = true;
          this.#lastResult = result;
          resolve(result);
        },
        (error: unknown) => {
          fail(error instanceof JobsAgentError ? error : new ConnectError(target, describeError(error)));
        },
      );
    });
  }

  async #shutdown(): Promise<void> {
    this.#failAttempt?.(new ClosedError('the transport was closed while connecting'));
    const link = this.#link;
    this.#link = undefined;
    const wasConnected = this.#connected;
    this.#connected = false;
    if (link) {
      if (wasConnected) await this.#bounded(link.end());
      link.abandon();
    }
    this.#inFlight.rejectAll(new ClosedError('the transport was closed before the broker acknowledged'));
  }

  /** Waits for `work` at most closeTimeoutMs; its failure only gets logged (we are closing anyway). */
  #bounded(work: Promise<void>): Promise<void> {
    return new Promise((resolve) => {
      const cancel = this.#clock.schedule(this.#options.closeTimeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS, resolve);
      work
        .catch((error: unknown) => {
          this.#logger.debug({ err: error, target: this.#options.target }, 'graceful close failed');
        })
        .finally(() => {
          cancel();
          resolve();
        });
    });
  }

  /** Runs one acked operation on the live link; rejects when not connected or when it drops. */
  #run(what: string, operation: (link: Link) => Promise<void>): Promise<void> {
    return this.#inFlight.run(what, this.#connected ? this.#link : undefined, operation);
  }

  #lost(link: Link, reason: string): void {
    this.#link = undefined;
    this.#connected = false;
    link.abandon();
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
