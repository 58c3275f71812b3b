import { once } from 'node:events';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { EventEmitter } from 'eventemitter3';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, ConnectError } from '../../../src/errors.js';
import { CrtTransport, type CrtSdk, type CrtTransportOptions } from '../../../src/transport/crt-transport.js';
import { startBroker, type TestBroker } from '../../helpers/broker.js';
import { deviceTls, TEST_THING_NAME } from '../../helpers/certs.js';
import { nextEvent } from '../../helpers/events.js';

let broker: TestBroker | undefined;
const transports: CrtTransport[] = [];
const servers: Server[] = [];

afterEach(async () => {
  await Promise.all(transports.splice(0).map((t) => t.close()));
  for (const server of servers.splice(0)) server.close();
  await broker?.close();
  broker = undefined;
});

function crt(url: string, overrides: Partial<CrtTransportOptions> = {}) {
  const events = new EventEmitter<{ disconnect: [reason: string] }>();
  const transport = new CrtTransport({
    url,
    clientId: TEST_THING_NAME,
    ...deviceTls(),
    connectTimeoutMs: 4_000,
    handlers: {
      onMessage: () => undefined,
      onDisconnect: (reason) => events.emit('disconnect', reason),
    },
    ...overrides,
  });
  transports.push(transport);
  return { transport, events };
}

async function listen(server: Server): Promise<number> {
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

const failure = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => new Error('resolved'),
    (error: unknown) => error,
  );

describe('CrtTransport', () => {
  it('fails with a ConfigError naming the package when the SDK cannot be loaded', async () => {
    const notInstalled = ['aws-iot-device-sdk-v2', 'is-not-installed'].join('-');
    const { transport } = crt('mqtts://localhost:8883', {
      loadSdk: () => import(notInstalled) as Promise<CrtSdk>,
    });
    const error = await failure(transport.connect());
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/npm install aws-iot-device-sdk-v2/);
  });

  it('rejects with a ConnectError saying the connection was refused when nothing listens', async () => {
    const port = await listen(createServer());
    servers.pop()?.close();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const { transport } = crt(`mqtts://127.0.0.1:${port}`);
    const error = await failure(transport.connect());
    expect(error).toBeInstanceOf(ConnectError);
    expect((error as Error).message).toMatch(/connection refused/);
  });

  it('rejects with a ConnectError within connectTimeoutMs when the TLS handshake never completes', async () => {
    const port = await listen(createServer(() => undefined)); // accepts TCP, never speaks TLS
    const { transport } = crt(`mqtts://127.0.0.1:${port}`, { connectTimeoutMs: 500 });
    const startedAt = Date.now();
    const error = await failure(transport.connect());
    expect(error).toBeInstanceOf(ConnectError);
    expect((error as Error).message).toMatch(/timed out after 500 ms/);
    expect(Date.now() - startedAt).toBeLessThan(2_000);
  });

  it('rejects PEM material the CRT cannot load with a ConnectError that shows no key material', async () => {
    broker = await startBroker();
    const { transport } = crt(broker.url, { key: 'not a private key' });
    const error = await failure(transport.connect());
    expect(error).toBeInstanceOf(ConnectError);
    expect((error as Error).message).not.toMatch(/BEGIN/);
  });

  it('speaks MQTT 5 when asked: aedes (3.1.1 only) refuses the connection', async () => {
    broker = await startBroker();
    const { transport } = crt(broker.url, { protocolVersion: 5 });
    await expect(transport.connect()).rejects.toBeInstanceOf(ConnectError);
  });

  it('does not redial by itself after a broker-side drop: the agent owns reconnect', async () => {
    broker = await startBroker();
    const { transport, events } = crt(broker.url);
    await transport.connect();
    const lost = nextEvent(events, 'disconnect', 5_000);
    broker.dropConnections();
    await lost;
    // Longer than the CRT's pinned reconnect delay (2 s): a redial of its own would show here.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(broker.peers).toHaveLength(1);
    await transport.connect();
    expect(broker.peers).toHaveLength(2);
  });
});
