import mqtt, { type MqttClient } from 'mqtt';
import type {
  GreengrassIpcClient,
  IpcIoTCoreMessage,
  IpcQos,
  IpcSubscription,
} from '../../src/transport/greengrass-ipc-transport.js';
import { topicFilterMatches } from '../../src/simulator/topic-filter.js';

/** One IPC request the stand-in received, for assertions on what the transport sent. */
export interface IpcRequest {
  readonly operation: 'SubscribeToIoTCore' | 'PublishToIoTCore';
  readonly topicName: string;
  readonly qos: string;
}

export interface IpcStandInOptions {
  /** The broker that plays AWS IoT Core (`mqtts://…`). */
  readonly url: string;
  /** The certificate the "nucleus" connects upstream with (the core device's). */
  readonly tls: { readonly ca: string; readonly cert: string; readonly key: string };
  /** The core device's client id upstream. */
  readonly clientId: string;
  /** Shared across clients, so a test sees every request of every connection. */
  readonly requests?: IpcRequest[];
}

/**
 * A local stand-in for the Greengrass nucleus's IPC interface (GreengrassIpcClient), so the
 * transport contract suite runs without a Greengrass core device. Each client plays one IPC
 * connection: its connect() opens an MQTT.js connection to the test broker with the core device's
 * certificate (where the real nucleus would authenticate the component by SVCUID over a domain
 * socket and keep its own, separate IoT Core connection), SubscribeToIoTCore becomes an MQTT
 * subscription whose messages go to that stream only, PublishToIoTCore an MQTT publish. Like the
 * nucleus, it refuses a QoS that is not the string "0" or "1" ("Invalid QoS value").
 *
 * Simplification, on purpose: the real nucleus keeps the IPC connection up when IoT Core drops;
 * here an upstream drop ends the IPC connection, so the contract's drop tests exercise the IPC
 * transport's disconnect and reconnect path.
 */
export class IpcStandIn implements GreengrassIpcClient {
  readonly #options: IpcStandInOptions;
  readonly #streams = new Set<StandInStream>();
  readonly #disconnectionListeners: ((reason: string) => void)[] = [];
  readonly requests: IpcRequest[];
  #client: MqttClient | undefined;
  #used = false;
  #closed = false;

  constructor(options: IpcStandInOptions) {
    this.#options = options;
    this.requests = options.requests ?? [];
  }

  async connect(): Promise<void> {
    // The SDK's client may connect once; holding the transport to that keeps it honest.
    if (this.#used) throw new Error('connect() may only be called once per IPC client');
    this.#used = true;
    const { url, tls, clientId } = this.#options;
    const client = await mqtt.connectAsync(
      url,
      { ...tls, clientId, protocolVersion: 4, reconnectPeriod: 0, clean: true, connectTimeout: 4_000 },
      false,
    );
    this.#client = client;
    client.on('error', () => undefined);
    client.on('message', (topic, payload) => {
      for (const stream of this.#streams) stream.deliver(topic, payload);
    });
    client.on('close', () => {
      if (this.#closed) return;
      this.#closed = true;
      for (const stream of this.#streams) stream.end(new Error('the IPC connection closed'));
      for (const listener of this.#disconnectionListeners) listener('the nucleus closed the IPC connection');
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#streams.clear();
    await this.#client?.endAsync();
  }

  onDisconnection(listener: (reason: string) => void): void {
    this.#disconnectionListeners.push(listener);
  }

  subscribeToIoTCore(request: { readonly topicName: string; readonly qos: IpcQos }): IpcSubscription {
    return new StandInStream(this, request.topicName, request.qos);
  }

  async publishToIoTCore(request: { topicName: string; qos: IpcQos; payload: string }): Promise<void> {
    this.requests.push({ operation: 'PublishToIoTCore', topicName: request.topicName, qos: request.qos });
    checkQos(request.qos);
    await this.#live().publishAsync(request.topicName, request.payload, {
      qos: Number(request.qos) as 0 | 1,
    });
  }

  /** @internal used by the streams */
  async activate(stream: StandInStream, topicName: string, qos: string): Promise<void> {
    this.requests.push({ operation: 'SubscribeToIoTCore', topicName, qos });
    checkQos(qos);
    const granted = await this.#live().subscribeAsync(topicName, { qos: Number(qos) as 0 | 1 });
    if (granted.some((grant) => grant.qos === 128)) throw new Error(`UnauthorizedError: ${topicName}`);
    this.#streams.add(stream);
  }

  /** @internal used by the streams */
  async release(stream: StandInStream, topicName: string): Promise<void> {
    this.#streams.delete(stream);
    const stillWanted = [...this.#streams].some((other) => other.topicName === topicName);
    if (!stillWanted && this.#client?.connected) await this.#client.unsubscribeAsync(topicName);
  }

  #live(): MqttClient {
    if (!this.#client || this.#closed) throw new Error('the IPC connection is not open');
    return this.#client;
  }
}

class StandInStream implements IpcSubscription {
  readonly #owner: IpcStandIn;
  readonly topicName: string;
  readonly #qos: string;
  readonly #messageListeners: ((message: IpcIoTCoreMessage) => void)[] = [];
  readonly #endedListeners: ((error?: unknown) => void)[] = [];
  #open = false;

  constructor(owner: IpcStandIn, topicName: string, qos: string) {
    this.#owner = owner;
    this.topicName = topicName;
    this.#qos = qos;
  }

  onMessage(listener: (message: IpcIoTCoreMessage) => void): void {
    this.#messageListeners.push(listener);
  }

  onEnded(listener: (error?: unknown) => void): void {
    this.#endedListeners.push(listener);
  }

  async activate(): Promise<void> {
    await this.#owner.activate(this, this.topicName, this.#qos);
    this.#open = true;
  }

  async close(): Promise<void> {
    if (!this.#open) return;
    this.#open = false;
    await this.#owner.release(this, this.topicName);
  }

  deliver(topic: string, payload: Buffer): void {
    if (!this.#open || !topicFilterMatches(this.topicName, topic)) return;
    // The SDK hands payloads over as ArrayBuffer.
    const bytes = payload.buffer.slice(payload.byteOffset, payload.byteOffset + payload.byteLength);
    for (const listener of this.#messageListeners)
      listener({ message: { topicName: topic, payload: bytes } });
  }

  end(error: Error): void {
    if (!this.#open) return;
    this.#open = false;
    for (const listener of this.#endedListeners) listener(error);
  }
}

function checkQos(qos: string): void {
  if (qos !== '0' && qos !== '1') throw new Error(`InvalidArgumentsError: Invalid QoS value ${qos}`);
}
