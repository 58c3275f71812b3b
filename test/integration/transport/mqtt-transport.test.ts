import { createServer as createTcpServer, type AddressInfo, type Server } from 'node:net';
import { createPrivateKey } from 'node:crypto';
import { once } from 'node:events';
import { EventEmitter } from 'eventemitter3';
import { afterEach, describe, expect, it } from 'vitest';
import { ClosedError, ConfigError, ConnectError, TransportError } from '../../../src/errors.js';
import { MqttTransport, type MqttTransportOptions } from '../../../src/transport/mqtt-transport.js';
import { startBroker, type TestBroker, type TestBrokerOptions } from '../../helpers/broker.js';
import { deviceTls, TEST_THING_NAME, testCerts } from '../../helpers/certs.js';
import { nextEvent, waitUntil } from '../../helpers/events.js';

interface HandlerEvents {
  message: [topic: string, payload: string];
  disconnect: [reason: string];
}

let broker: TestBroker | undefined;
const transports: MqttTransport[] = [];
const servers: Server[] = [];

/** A transport to `url` whose handler calls are recorded and emitted for nextEvent. */
function transport(url: string, overrides: Partial<MqttTransportOptions> = {}) {
  const events = new EventEmitter<HandlerEvents>();
  const messages: { topic: string; payload: string }[] = [];
  const disconnects: string[] = [];
  const t = new MqttTransport({
    url,
    clientId: TEST_THING_NAME,
    ...deviceTls(),
    connectTimeoutMs: 4_000,
    handlers: {
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
    ...overrides,
  });
  transports.push(t);
  return { transport: t, events, messages, disconnects };
}

async function withBroker(options: TestBrokerOptions = {}): Promise<TestBroker> {
  broker = await startBroker(options);
  return broker;
}

/** Connects and measures how long connect() took to settle; returns the rejection. */
async function refusal(t: MqttTransport): Promise<{ error: unknown; elapsedMs: number }> {
  const startedAt = Date.now();
  const error = await t.connect().then(
    () => new Error('connect() resolved'),
    (e: unknown) => e,
  );
  return { error, elapsedMs: Date.now() - startedAt };
}

function encryptedDeviceKey(passphrase: string): string {
  return createPrivateKey(testCerts().device.key)
    .export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase })
    .toString();
}

/** A port nothing listens on (bound once, then released). */
async function closedPort(): Promise<number> {
  const server = createTcpServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

afterEach(async () => {
  await Promise.all(transports.splice(0).map((t) => t.close()));
  for (const server of servers.splice(0)) server.close();
  await broker?.close();
  broker = undefined;
});

describe('MqttTransport connect', () => {
  it('connects over mutual TLS and reports no session on a first connect', async () => {
    const b = await withBroker();
    const { transport: t } = transport(b.url);
    await expect(t.connect()).resolves.toEqual({ sessionPresent: false });
    expect(t.connected).toBe(true);
    expect(b.peers).toEqual([TEST_THING_NAME]);
  });

  it('reports sessionPresent when the broker kept the persistent session', async () => {
    const b = await withBroker();
    const first = transport(b.url);
    await first.transport.connect();
    await first.transport.subscribe(['$aws/things/test-thing/jobs/notify']);
    await first.transport.close();
    const second = transport(b.url);
    await expect(second.transport.connect()).resolves.toEqual({ sessionPresent: true });
  });

  it('sends the URL host as SNI', async () => {
    const b = await withBroker();
    await transport(b.url).transport.connect();
    expect(b.servernames).toEqual(['localhost']);
  });

  it('sends no SNI when the URL host is an IP address', async () => {
    const b = await withBroker();
    await transport(`mqtts://127.0.0.1:${b.port}`).transport.connect();
    expect(b.servernames).toEqual([false]);
  });

  it('returns the current result without a new connection when already connected', async () => {
    const b = await withBroker();
    const { transport: t } = transport(b.url);
    const first = await t.connect();
    await expect(t.connect()).resolves.toEqual(first);
    expect(b.peers).toHaveLength(1);
  });

  it('shares one attempt between concurrent connect calls', async () => {
    const b = await withBroker();
    const { transport: t } = transport(b.url);
    await Promise.all([t.connect(), t.connect()]);
    expect(b.peers).toHaveLength(1);
  });

  it('refuses a client certificate from an untrusted CA with a ConnectError, within a bounded time', async () => {
    const b = await withBroker();
    const { transport: t } = transport(b.url, deviceTls('rogueDevice'));
    const { error, elapsedMs } = await refusal(t);
    expect(error).toBeInstanceOf(ConnectError);
    expect(error).toMatchObject({ code: 'ERR_CONNECT', url: b.url });
    expect((error as Error).message).toMatch(/client certificate/);
    expect(elapsedMs).toBeLessThan(3_000);
    expect(t.connected).toBe(false);
    expect(b.peers).toEqual([]);
  });

  it('is refused with a ConnectError when no client certificate is presented', async () => {
    const b = await withBroker();
    const { transport: t } = transport(b.url, { cert: '', key: '' });
    const { error, elapsedMs } = await refusal(t);
    expect(error).toBeInstanceOf(ConnectError);
    expect((error as Error).message).toMatch(/client certificate/);
    expect(elapsedMs).toBeLessThan(3_000);
  });

  it('rejects a broker whose certificate the device does not trust', async () => {
    const b = await withBroker();
    const { transport: t } = transport(b.url, { ca: testCerts().rogueCa.cert });
    const { error } = await refusal(t);
    expect(error).toBeInstanceOf(ConnectError);
    expect((error as Error).message).toMatch(/broker's certificate is not trusted/);
    expect(b.peers).toEqual([]);
  });

  it('gives a ConnectError quickly when nothing listens on the port', async () => {
    const port = await closedPort();
    const { transport: t } = transport(`mqtts://localhost:${port}`);
    const { error, elapsedMs } = await refusal(t);
    expect(error).toBeInstanceOf(ConnectError);
    expect((error as Error).message).toMatch(/ECONNREFUSED/);
    expect((error as ConnectError).cause).toMatchObject({ code: 'ECONNREFUSED' });
    expect(elapsedMs).toBeLessThan(2_000);
  });

  it('calls no onDisconnect for connections that never opened', async () => {
    const b = await withBroker();
    const refused = transport(`mqtts://localhost:${await closedPort()}`);
    const rogue = transport(b.url, deviceTls('rogueDevice'));
    await refusal(refused.transport);
    await refusal(rogue.transport);
    await new Promise((resolve) => setTimeout(resolve, 100)); // late 'close' events have arrived
    expect([...refused.disconnects, ...rogue.disconnects]).toEqual([]);
  });

  it('times out with a ConnectError naming the stalled phase when the server never answers', async () => {
    const server = createTcpServer(() => undefined); // accepts TCP, never speaks TLS
    servers.push(server);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    const { transport: t } = transport(`mqtts://localhost:${port}`, { connectTimeoutMs: 300 });
    const { error, elapsedMs } = await refusal(t);
    expect(error).toBeInstanceOf(ConnectError);
    expect((error as Error).message).toMatch(/timed out after 300 ms waiting for the TLS handshake/);
    expect(elapsedMs).toBeGreaterThanOrEqual(250);
    expect(elapsedMs).toBeLessThan(3_000);
  });

  it('reports a CONNACK refusal with its return code', async () => {
    const b = await withBroker({
      authenticate: (_client, _username, _password, done) => {
        done(Object.assign(new Error('not authorized'), { returnCode: 5 as const }), null);
      },
    });
    const { transport: t } = transport(b.url);
    const { error } = await refusal(t);
    expect(error).toBeInstanceOf(ConnectError);
    expect((error as Error).message).toMatch(/CONNACK refused the connection: return code 5/);
  });

  it('keeps key material out of the error when the key does not match the certificate', async () => {
    const b = await withBroker();
    const wrongKey = testCerts().rogueDevice.key;
    const { transport: t } = transport(b.url, { key: wrongKey });
    const { error } = await refusal(t);
    expect(error).toBeInstanceOf(ConnectError);
    const body = wrongKey.split('\n')[1]!;
    expect(
      JSON.stringify({ message: (error as Error).message, cause: String((error as Error).cause) }),
    ).not.toContain(body);
  });

  it('connects with an encrypted private key and its passphrase', async () => {
    const b = await withBroker();
    const { transport: t } = transport(b.url, {
      key: encryptedDeviceKey('s3cret-pass'),
      passphrase: 's3cret-pass',
    });
    await expect(t.connect()).resolves.toEqual({ sessionPresent: false });
  });

  it('refuses a wrong passphrase with a ConnectError that does not contain it', async () => {
    const b = await withBroker();
    const { transport: t } = transport(b.url, {
      key: encryptedDeviceKey('s3cret-pass'),
      passphrase: 'wrong-pass',
    });
    const { error } = await refusal(t);
    expect(error).toBeInstanceOf(ConnectError);
    expect((error as Error).message).toMatch(/could not be loaded/);
    expect((error as Error).message).not.toContain('wrong-pass');
  });

  it('rejects a non-TLS URL at construction with a ConfigError', () => {
    expect(() => transport('mqtt://localhost:1883')).toThrow(ConfigError);
  });
});

describe('MqttTransport messaging', () => {
  const notify = '$aws/things/test-thing/jobs/notify-next';

  it('delivers a service-side publish on a subscribed topic to onMessage', async () => {
    const b = await withBroker();
    const { transport: t, events } = transport(b.url);
    await t.connect();
    await t.subscribe([notify]);
    const arrived = nextEvent(events, 'message');
    await b.publish(notify, '{"execution":null}');
    await expect(arrived).resolves.toEqual([notify, '{"execution":null}']);
  });

  it('publishes with QoS 1 and resolves once the broker has it', async () => {
    const b = await withBroker();
    const { transport: t } = transport(b.url);
    await t.connect();
    await t.publish('$aws/things/test-thing/jobs/get', '{"clientToken":"c1"}');
    expect(b.received).toEqual([
      {
        clientId: TEST_THING_NAME,
        topic: '$aws/things/test-thing/jobs/get',
        payload: '{"clientToken":"c1"}',
        qos: 1,
      },
    ]);
  });

  it('sends at most 8 filters per SUBSCRIBE', async () => {
    const b = await withBroker();
    const { transport: t } = transport(b.url);
    const batches: number[] = [];
    b.events.on('subscribe', (filters) => batches.push(filters.length));
    await t.connect();
    await t.subscribe(Array.from({ length: 20 }, (_, i) => `test/${i}`));
    expect(batches).toEqual([8, 8, 4]);
  });

  it('rejects subscribe with a TransportError naming the filter the broker refused', async () => {
    const b = await withBroker({
      authorizeSubscribe: (_client, subscription, done) => {
        done(null, subscription.topic === 'forbidden/topic' ? null : subscription);
      },
    });
    const { transport: t } = transport(b.url);
    await t.connect();
    const error: unknown = await t.subscribe(['allowed/topic', 'forbidden/topic']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect((error as Error).message).toBe('the broker refused the subscription to forbidden/topic');
  });

  it('stops delivering a topic after unsubscribe', async () => {
    const b = await withBroker();
    const { transport: t, events, messages } = transport(b.url);
    await t.connect();
    await t.subscribe(['a/topic', 'b/topic']);
    await t.unsubscribe(['a/topic']);
    const arrived = nextEvent(events, 'message');
    await b.publish('a/topic', 'dropped');
    await b.publish('b/topic', 'kept');
    await arrived;
    expect(messages).toEqual([{ topic: 'b/topic', payload: 'kept' }]);
  });

  it('rejects publish with a TransportError when not connected', async () => {
    const b = await withBroker();
    const { transport: t } = transport(b.url);
    await expect(t.publish('x', 'y')).rejects.toBeInstanceOf(TransportError);
    await expect(t.subscribe(['x'])).rejects.toBeInstanceOf(TransportError);
  });

  it('keeps delivering after an onMessage handler throws', async () => {
    const b = await withBroker();
    const seen: string[] = [];
    const { transport: t } = transport(b.url, {
      handlers: {
        onMessage(_topic, payload) {
          seen.push(Buffer.from(payload).toString());
          throw new Error('handler bug');
        },
        onDisconnect: () => undefined,
      },
    });
    await t.connect();
    await t.subscribe(['x/y']);
    await b.publish('x/y', '1');
    await b.publish('x/y', '2');
    await waitUntil(() => seen.length === 2, 2_000, 'both messages');
    expect(t.connected).toBe(true);
  });
});

describe('MqttTransport disconnects and close', () => {
  it('calls onDisconnect once when the network drops the connection', async () => {
    const b = await withBroker();
    const { transport: t, events, disconnects } = transport(b.url);
    await t.connect();
    const lost = nextEvent(events, 'disconnect');
    b.dropConnections();
    await lost;
    await new Promise((resolve) => setTimeout(resolve, 100)); // nothing more may follow
    expect(disconnects).toHaveLength(1);
    expect(t.connected).toBe(false);
  });

  it('rejects a publish awaiting its PUBACK when the connection drops', async () => {
    let arrived = false;
    const b = await withBroker({
      authorizePublish: () => {
        arrived = true; // and never answers: the PUBACK never comes
      },
    });
    const { transport: t } = transport(b.url);
    await t.connect();
    const pending = t.publish('x/y', 'z');
    await waitUntil(() => arrived, 2_000, 'the PUBLISH at the broker');
    b.dropConnections();
    await expect(pending).rejects.toBeInstanceOf(TransportError);
  });

  it('closes gracefully: the broker sees a DISCONNECT and no onDisconnect follows', async () => {
    const b = await withBroker();
    const { transport: t, disconnects } = transport(b.url);
    await t.connect();
    const gone = nextEvent(b.events, 'clientDisconnect');
    await t.close();
    await expect(gone).resolves.toEqual([TEST_THING_NAME]);
    expect(t.connected).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(disconnects).toEqual([]);
  });

  it('is idempotent: a second close resolves without effect', async () => {
    const b = await withBroker();
    const { transport: t } = transport(b.url);
    await t.connect();
    await Promise.all([t.close(), t.close()]);
    await expect(t.close()).resolves.toBeUndefined();
  });

  it('closes a transport that never connected', async () => {
    const { transport: t } = transport('mqtts://localhost:8883');
    await expect(t.close()).resolves.toBeUndefined();
  });

  it('rejects a connect in progress with a ClosedError when closed', async () => {
    const server = createTcpServer(() => undefined);
    servers.push(server);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    const { transport: t } = transport(`mqtts://localhost:${port}`);
    const connecting = t.connect();
    await t.close();
    await expect(connecting).rejects.toBeInstanceOf(ClosedError);
  });

  it('connects again after close', async () => {
    const b = await withBroker();
    const { transport: t } = transport(b.url);
    await t.connect();
    await t.close();
    await t.connect();
    expect(t.connected).toBe(true);
    expect(b.peers).toHaveLength(2);
  });
});
