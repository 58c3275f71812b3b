import type { Clock } from '../clock.js';
import { ConfigError, ConnectError, TransportError, describeError } from '../errors.js';
import { silentLogger, type Logger } from '../logger.js';
import { loadIpcSdk, sdkPayloadBytes } from './crt-sdk.js';
import { GREENGRASS_IPC_ENV, isGreengrassComponent } from './kind.js';
import { LinkTransport, type Link, type LinkEvents } from './link-transport.js';
import type { ConnectResult, TransportHandlers } from './transport.js';

export { GREENGRASS_IPC_ENV, isGreengrassComponent } from './kind.js';

/**
 * The Greengrass IPC `QOS` values. They are strings on the wire: the nucleus answers any other
 * value with "Invalid QoS value".
 */
export type IpcQos = '0' | '1';

/** An `IoTCoreMessage` of a SubscribeToIoTCore stream. */
export interface IpcIoTCoreMessage {
  readonly message?: { readonly topicName: string; readonly payload?: unknown } | undefined;
}

/** A SubscribeToIoTCore streaming operation, as far as this transport uses it. */
export interface IpcSubscription {
  onMessage(listener: (message: IpcIoTCoreMessage) => void): void;
  /** The stream ended or failed (the nucleus closed it, or the IPC connection went away). */
  onEnded(listener: (error?: unknown) => void): void;
  /** Sends the request; resolves when the nucleus accepted the subscription. */
  activate(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The subset of `greengrasscoreipc.Client` (aws-iot-device-sdk-v2) this transport uses. The
 * default implementation adapts the SDK's client; tests inject a stand-in for the nucleus
 * (test/helpers/ipc-standin.ts), because no nucleus runs outside a Greengrass core device.
 */
export interface GreengrassIpcClient {
  /** Opens the IPC connection (domain socket, authenticated by SVCUID). Once per client. */
  connect(): Promise<void>;
  close(): Promise<void>;
  /** The IPC connection, once established, ended. */
  onDisconnection(listener: (reason: string) => void): void;
  subscribeToIoTCore(request: { readonly topicName: string; readonly qos: IpcQos }): IpcSubscription;
  publishToIoTCore(request: {
    readonly topicName: string;
    readonly qos: IpcQos;
    readonly payload: string;
  }): Promise<void>;
}

/** The variables the nucleus sets for a component; both present means we run inside Greengrass. */
export interface GreengrassIpcTransportOptions {
  readonly handlers: TransportHandlers;
  /** A fresh client per connection; defaults to the SDK's `greengrasscoreipc.createClient()`. */
  readonly createClient?: (() => GreengrassIpcClient | Promise<GreengrassIpcClient>) | undefined;
  /** @default 10_000 */
  readonly connectTimeoutMs?: number | undefined;
  /** @default 5_000 */
  readonly closeTimeoutMs?: number | undefined;
  readonly clock?: Clock | undefined;
  readonly logger?: Logger | undefined;
  /** Where the default client reads SVCUID and the socket path. @default process.env */
  readonly env?: NodeJS.ProcessEnv | undefined;
}

/**
 * JobsTransport through the Greengrass nucleus: PublishToIoTCore / SubscribeToIoTCore over IPC,
 * for an agent running as a Greengrass v2 component. The nucleus owns the MQTT connection, its
 * certificates and its reconnects; this transport owns only the IPC connection. Every connect()
 * opens a new IPC client (the SDK's may connect once), so sessionPresent is always false and the
 * agent re-subscribes. The recipe must grant `aws.greengrass.ipc.mqttproxy` on the jobs topics.
 *
 * Tested against a stand-in for the nucleus's IPC interface (no nucleus runs in CI), see
 * docs/transports.md. aws-iot-device-sdk-v2 1.28.0 has no IoT Core connection-status stream, so
 * an outage between the nucleus and AWS IoT is invisible here; the periodic reconcile covers it.
 */
export class GreengrassIpcTransport extends LinkTransport {
  constructor(options: GreengrassIpcTransportOptions) {
    const env = options.env ?? process.env;
    const logger = options.logger ?? silentLogger;
    const createClient = options.createClient ?? (() => createSdkIpcClient(env));
    const target = `greengrass-ipc:${env['AWS_GG_NUCLEUS_DOMAIN_SOCKET_FILEPATH_FOR_COMPONENT'] ?? '(nucleus socket)'}`;
    super({
      target,
      handlers: options.handlers,
      connectTimeoutMs: options.connectTimeoutMs,
      closeTimeoutMs: options.closeTimeoutMs,
      clock: options.clock,
      logger,
      openLink: async (events) => ipcLink(await createClient(), target, events, logger),
    });
  }
}

function ipcLink(client: GreengrassIpcClient, target: string, events: LinkEvents, logger: Logger): Link {
  const streams = new Map<string, IpcSubscription>();
  let released = false;
  const release = async (): Promise<void> => {
    if (released) return;
    released = true;
    const open = [...streams.values()];
    streams.clear();
    await Promise.allSettled(open.map((stream) => stream.close()));
    await client.close();
  };
  return {
    async open(): Promise<ConnectResult> {
      client.onDisconnection((reason) => {
        events.lost(`the Greengrass IPC connection ended: ${reason}`);
      });
      try {
        await client.connect();
      } catch (error) {
        released = true;
        throw new ConnectError(target, `the nucleus refused the IPC connection: ${describeError(error)}`, {
          cause: error,
        });
      }
      return { sessionPresent: false };
    },
    async subscribe(filters) {
      // One stream per filter; a second stream for the same filter would deliver twice.
      for (const topicName of filters.filter((filter) => !streams.has(filter))) {
        const stream = client.subscribeToIoTCore({ topicName, qos: '1' });
        stream.onMessage(({ message }) => {
          if (message) events.message(message.topicName, sdkPayloadBytes(message.payload));
        });
        stream.onEnded((error) => {
          if (streams.get(topicName) !== stream) return;
          streams.delete(topicName);
          logger.warn({ err: error, topic: topicName }, 'the nucleus ended a SubscribeToIoTCore stream');
        });
        try {
          await stream.activate();
        } catch (error) {
          await stream.close().catch(() => undefined);
          throw new TransportError(
            `the nucleus refused the subscription to ${topicName} (is it in the recipe's ` +
              `aws.greengrass.ipc.mqttproxy accessControl?): ${describeError(error)}`,
            { cause: error },
          );
        }
        streams.set(topicName, stream);
      }
    },
    async unsubscribe(filters) {
      const closing = filters.flatMap((filter) => {
        const stream = streams.get(filter);
        streams.delete(filter);
        return stream ? [stream.close()] : [];
      });
      await Promise.all(closing);
    },
    publish: (topic, payload) => client.publishToIoTCore({ topicName: topic, qos: '1', payload }),
    end: release,
    abandon() {
      release().catch((error: unknown) => {
        logger.debug({ err: error }, 'closing the Greengrass IPC client failed');
      });
    },
  };
}

/** The SDK's client behind GreengrassIpcClient; aws-iot-device-sdk-v2 is loaded only here. */
async function createSdkIpcClient(env: NodeJS.ProcessEnv): Promise<GreengrassIpcClient> {
  if (!isGreengrassComponent(env)) {
    throw ConfigError.forField(
      'transport',
      `"greengrass-ipc" runs only inside a Greengrass component: ${GREENGRASS_IPC_ENV.join(' and ')} are not set`,
    );
  }
  const ipc = (await loadIpcSdk()).greengrasscoreipc;
  const qos = (value: IpcQos) => (value === '1' ? ipc.model.QOS.AT_LEAST_ONCE : ipc.model.QOS.AT_MOST_ONCE);
  const client = ipc.createClient();
  return {
    connect: () => client.connect(),
    close: () => client.close(),
    onDisconnection(listener) {
      client.on('disconnection', (event) => {
        listener(event ? describeError(event.reason) : 'the nucleus closed the connection');
      });
    },
    subscribeToIoTCore(request) {
      const operation = client.subscribeToIoTCore({ topicName: request.topicName, qos: qos(request.qos) });
      return {
        onMessage(listener) {
          operation.on('message', listener);
        },
        onEnded(listener) {
          operation.on('ended', () => {
            listener();
          });
          operation.on('streamError', (error) => {
            listener(error);
          });
        },
        async activate() {
          await operation.activate();
        },
        close: () => operation.close(),
      };
    },
    async publishToIoTCore(request) {
      await client.publishToIoTCore({
        topicName: request.topicName,
        qos: qos(request.qos),
        payload: request.payload,
      });
    },
  };
}
