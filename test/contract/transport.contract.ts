import { EventEmitter } from 'eventemitter3';
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectError, TransportError } from '../../src/errors.js';
import type { JobsTransport, TransportHandlers } from '../../src/transport/transport.js';
import { TEST_THING_NAME } from '../helpers/certs.js';
import { nextEvent } from '../helpers/events.js';

/** A broker as the contract suite drives it, whatever runs behind it (aedes, mosquitto). */
export interface ContractBroker {
  /** `mqtts://localhost:PORT`, mutual TLS, trusting only the test CA. */
  readonly url: string;
  /** A service-side PUBLISH (QoS 1) to whoever subscribed to `topic`. */
  publish(topic: string, payload: string): Promise<void>;
  /** Starts watching client PUBLISHes to `topic`; resolve before the client publishes. */
  watch(topic: string): Promise<{ next(timeoutMs?: number): Promise<string> }>;
  /** Cuts every client connection from the broker's side (a network drop or a broker restart). */
  drop(): Promise<void>;
  close(): Promise<void>;
}

/** Which certificate the transport presents: the test CA's device or the rogue CA's. */
export type ContractIdentity = 'device' | 'rogueDevice';

export interface TransportContractSetup {
  startBroker(): Promise<ContractBroker>;
  /** A transport to `broker` (connect timeout ≤ 4 s), not yet connected. */
  createTransport(
    broker: ContractBroker,
    handlers: TransportHandlers,
    identity: ContractIdentity,
  ): JobsTransport;
  /** When set, the suite is skipped and this says why (e.g. a missing system binary). */
  readonly skip?: string | undefined;
}

interface Recorded {
  message: [topic: string, payload: string];
  disconnect: [reason: string];
}

const NOTIFY = `$aws/things/${TEST_THING_NAME}/jobs/notify`;
const NOTIFY_NEXT = `$aws/things/${TEST_THING_NAME}/jobs/notify-next`;
const GET = `$aws/things/${TEST_THING_NAME}/jobs/get`;
/** How long "nothing happens" is watched for; long enough for a loopback round trip. */
const QUIET_MS = 300;

const quiet = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, QUIET_MS));

/**
 * The behaviour every JobsTransport must have, run against a real broker over mutual TLS:
 * connect, subscribe and receive, publish at QoS 1, refuse a rogue certificate in bounded time,
 * report a broker-side drop once, connect again and resubscribe, and stay silent on close().
 */
export function describeTransportContract(name: string, setup: TransportContractSetup): void {
  describe.skipIf(setup.skip !== undefined)(`transport contract: ${name}`, () => {
    let broker: ContractBroker | undefined;
    const transports: JobsTransport[] = [];

    afterEach(async () => {
      await Promise.all(transports.splice(0).map((t) => t.close()));
      await broker?.close();
      broker = undefined;
    });

    async function open(identity: ContractIdentity = 'device') {
      broker ??= await setup.startBroker();
      const events = new EventEmitter<Recorded>();
      const messages: { topic: string; payload: string }[] = [];
      const disconnects: string[] = [];
      const transport = setup.createTransport(
        broker,
        {
          onMessage(topic, payload) {
            const text = Buffer.from(payload).toString('utf8');
            messages.push({ topic, payload: text });
            events.emit('message', topic, text);
          },
          onDisconnect(reason) {
            disconnects.push(reason);
            events.emit('disconnect', reason);
          },
        },
        identity,
      );
      transports.push(transport);
      return { broker, transport, events, messages, disconnects };
    }

    it('connects over mutual TLS with the device certificate', async () => {
      const { transport } = await open();
      const result = await transport.connect();
      expect(typeof result.sessionPresent).toBe('boolean');
      expect(transport.connected).toBe(true);
    });

    it('receives a message published to a subscribed filter', async () => {
      const { broker: b, transport, events } = await open();
      await transport.connect();
      await transport.subscribe([NOTIFY, NOTIFY_NEXT]);
      const received = nextEvent(events, 'message', 5_000);
      await b.publish(NOTIFY_NEXT, '{"execution":{"jobId":"j1"}}');
      await expect(received).resolves.toEqual([NOTIFY_NEXT, '{"execution":{"jobId":"j1"}}']);
    });

    it('publishes at QoS 1 and resolves once the broker has the message', async () => {
      const { broker: b, transport } = await open();
      await transport.connect();
      const watched = await b.watch(GET);
      await transport.publish(GET, '{"clientToken":"c-1"}');
      await expect(watched.next(5_000)).resolves.toBe('{"clientToken":"c-1"}');
    });

    it('rejects a publish with a TransportError while not connected', async () => {
      const { transport } = await open();
      await expect(transport.publish(GET, '{}')).rejects.toBeInstanceOf(TransportError);
    });

    it('refuses a certificate from an untrusted CA with a ConnectError within 5 s', async () => {
      const { transport } = await open('rogueDevice');
      const startedAt = Date.now();
      const error = await transport.connect().then(
        () => new Error('connect() resolved'),
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ConnectError);
      expect(error).toMatchObject({ code: 'ERR_CONNECT' });
      expect(Date.now() - startedAt).toBeLessThan(5_000);
      expect(transport.connected).toBe(false);
    });

    it('reports a broker-side drop through onDisconnect exactly once', async () => {
      const { broker: b, transport, events, disconnects } = await open();
      await transport.connect();
      await transport.subscribe([NOTIFY]);
      const lost = nextEvent(events, 'disconnect', 8_000);
      await b.drop();
      const [reason] = await lost;
      expect(reason).not.toBe('');
      expect(transport.connected).toBe(false);
      await quiet();
      expect(disconnects).toHaveLength(1);
    });

    it('connects again after a broker-side drop and receives on resubscribed filters', async () => {
      const { broker: b, transport, events, messages } = await open();
      await transport.connect();
      await transport.subscribe([NOTIFY]);
      const lost = nextEvent(events, 'disconnect', 8_000);
      await b.drop();
      await lost;
      await transport.connect();
      await transport.subscribe([NOTIFY]);
      const received = nextEvent(events, 'message', 5_000);
      await b.publish(NOTIFY, '{"jobs":{}}');
      await expect(received).resolves.toEqual([NOTIFY, '{"jobs":{}}']);
      await quiet();
      expect(messages.filter((m) => m.payload === '{"jobs":{}}')).toHaveLength(1);
    });

    it('stops delivering a filter after unsubscribe', async () => {
      const { broker: b, transport, messages } = await open();
      await transport.connect();
      await transport.subscribe([NOTIFY]);
      await transport.unsubscribe([NOTIFY]);
      await b.publish(NOTIFY, '{"after":"unsubscribe"}');
      await quiet();
      expect(messages).toEqual([]);
    });

    it('does not report close() as a disconnect', async () => {
      const { transport, disconnects } = await open();
      await transport.connect();
      await transport.close();
      expect(transport.connected).toBe(false);
      await quiet();
      expect(disconnects).toEqual([]);
    });
  });
}
