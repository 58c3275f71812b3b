import mqtt, { type MqttClient } from 'mqtt';
import { startBroker, type TestBroker } from '../helpers/broker.js';
import { deviceTls } from '../helpers/certs.js';
import { startMosquitto, type Mosquitto } from '../helpers/mosquitto.js';
import type { ContractBroker } from './transport.contract.js';

/** Payloads seen on one topic, handed out in order to `next()` callers. */
class PayloadQueue {
  readonly #payloads: string[] = [];
  readonly #waiters: ((payload: string) => void)[] = [];

  push(payload: string): void {
    const waiter = this.#waiters.shift();
    if (waiter) waiter(payload);
    else this.#payloads.push(payload);
  }

  next(topic: string, timeoutMs = 2_000): Promise<string> {
    const ready = this.#payloads.shift();
    if (ready !== undefined) return Promise.resolve(ready);
    return new Promise((resolve, reject) => {
      const waiter = (payload: string): void => {
        clearTimeout(timer);
        resolve(payload);
      };
      const timer = setTimeout(() => {
        this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for a PUBLISH to ${topic}`));
      }, timeoutMs);
      this.#waiters.push(waiter);
    });
  }
}

/** The in-process aedes (MQTT 3.1.1) behind mutual TLS; a drop destroys every socket. */
export async function aedesContractBroker(): Promise<ContractBroker & { readonly broker: TestBroker }> {
  const broker = await startBroker();
  return {
    broker,
    url: broker.url,
    publish: (topic, payload) => broker.publish(topic, payload),
    watch(topic) {
      const queue = new PayloadQueue();
      broker.events.on('publish', (message) => {
        if (message.topic === topic) queue.push(message.payload);
      });
      return Promise.resolve({ next: (timeoutMs) => queue.next(topic, timeoutMs) });
    },
    drop() {
      broker.dropConnections();
      return Promise.resolve();
    },
    close: () => broker.close(),
  };
}

/**
 * Debian's mosquitto (MQTT 5 and 3.1.1) with a mutual-TLS listener. The service side is an MQTT.js
 * v5 client with its own client id; a drop restarts mosquitto (no persistence: sessions are gone
 * too, so the transport must really resubscribe).
 */
export async function mosquittoContractBroker(): Promise<ContractBroker & { readonly mosquitto: Mosquitto }> {
  const mosquitto = await startMosquitto();
  let service: MqttClient | undefined;
  const queues = new Map<string, PayloadQueue>();

  const serviceClient = async (): Promise<MqttClient> => {
    if (service?.connected) return service;
    service?.end(true);
    const client = await mqtt.connectAsync(
      mosquitto.url,
      { ...deviceTls(), clientId: 'contract-service', protocolVersion: 5, reconnectPeriod: 0, clean: true },
      false,
    );
    client.on('error', () => undefined);
    client.on('message', (topic, payload) => queues.get(topic)?.push(payload.toString('utf8')));
    // A restart loses the service's subscriptions too.
    if (queues.size > 0) await client.subscribeAsync([...queues.keys()], { qos: 1 });
    service = client;
    return client;
  };

  return {
    mosquitto,
    url: mosquitto.url,
    async publish(topic, payload) {
      await (await serviceClient()).publishAsync(topic, payload, { qos: 1 });
    },
    async watch(topic) {
      const queue = new PayloadQueue();
      queues.set(topic, queue);
      await (await serviceClient()).subscribeAsync(topic, { qos: 1 });
      return { next: (timeoutMs) => queue.next(topic, timeoutMs) };
    },
    async drop() {
      await mosquitto.restart();
    },
    async close() {
      service?.end(true);
      await mosquitto.close();
    },
  };
}
