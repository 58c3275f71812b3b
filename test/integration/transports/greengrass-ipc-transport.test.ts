import { EventEmitter } from 'eventemitter3';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, ConnectError, TransportError } from '../../../src/errors.js';
import { GreengrassIpcTransport } from '../../../src/transport/greengrass-ipc-transport.js';
import { startBroker, type TestBroker, type TestBrokerOptions } from '../../helpers/broker.js';
import { deviceTls, TEST_THING_NAME } from '../../helpers/certs.js';
import { nextEvent } from '../../helpers/events.js';
import { IpcStandIn, type IpcRequest } from '../../helpers/ipc-standin.js';

// Against the IPC stand-in (test/helpers/ipc-standin.ts) bridged to aedes: no nucleus runs here.

let broker: TestBroker | undefined;
const transports: GreengrassIpcTransport[] = [];

afterEach(async () => {
  await Promise.all(transports.splice(0).map((t) => t.close()));
  await broker?.close();
  broker = undefined;
});

const NOTIFY = `$aws/things/${TEST_THING_NAME}/jobs/notify`;
const GET = `$aws/things/${TEST_THING_NAME}/jobs/get`;

async function ipc(brokerOptions: TestBrokerOptions = {}) {
  broker = await startBroker(brokerOptions);
  const url = broker.url;
  const requests: IpcRequest[] = [];
  const clients: IpcStandIn[] = [];
  const events = new EventEmitter<{ disconnect: [reason: string] }>();
  const transport = new GreengrassIpcTransport({
    handlers: { onMessage: () => undefined, onDisconnect: (reason) => events.emit('disconnect', reason) },
    connectTimeoutMs: 4_000,
    createClient: () => {
      const client = new IpcStandIn({ url, tls: deviceTls(), clientId: TEST_THING_NAME, requests });
      clients.push(client);
      return client;
    },
  });
  transports.push(transport);
  return { broker, transport, requests, clients, events };
}

describe('GreengrassIpcTransport', () => {
  it('asks for QoS as the string "1" on SubscribeToIoTCore and PublishToIoTCore', async () => {
    const { transport, requests } = await ipc();
    await transport.connect();
    await transport.subscribe([NOTIFY]);
    await transport.publish(GET, '{}');
    expect(requests).toEqual([
      { operation: 'SubscribeToIoTCore', topicName: NOTIFY, qos: '1' },
      { operation: 'PublishToIoTCore', topicName: GET, qos: '1' },
    ]);
  });

  it('keeps one stream per filter when a filter is subscribed twice', async () => {
    const { transport, requests } = await ipc();
    await transport.connect();
    await transport.subscribe([NOTIFY]);
    await transport.subscribe([NOTIFY]);
    expect(requests.filter((r) => r.operation === 'SubscribeToIoTCore')).toHaveLength(1);
  });

  it("rejects a subscription the nucleus refuses with a TransportError pointing at the recipe's access control", async () => {
    const { transport } = await ipc({
      // A null subscription makes aedes answer SUBACK 0x80, as a policy denial does.
      authorizeSubscribe: (_client, _subscription, callback) => {
        callback(null, null);
      },
    });
    await transport.connect();
    const error = await transport.subscribe([NOTIFY]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect((error as Error).message).toMatch(/aws\.greengrass\.ipc\.mqttproxy/);
  });

  it('always reports sessionPresent false: IPC subscriptions end with their IPC connection', async () => {
    const { transport } = await ipc();
    await expect(transport.connect()).resolves.toEqual({ sessionPresent: false });
  });

  it('opens a new IPC client for each connection', async () => {
    const { broker: b, transport, clients, events } = await ipc();
    await transport.connect();
    const lost = nextEvent(events, 'disconnect', 5_000);
    b.dropConnections();
    await lost;
    await transport.connect();
    expect(clients).toHaveLength(2);
  });

  it('rejects with a ConnectError when the IPC connection is refused', async () => {
    const transport = new GreengrassIpcTransport({
      handlers: { onMessage: () => undefined, onDisconnect: () => undefined },
      createClient: () => ({
        connect: () => Promise.reject(new Error('UnauthorizedError: invalid SVCUID')),
        close: () => Promise.resolve(),
        onDisconnection: () => undefined,
        subscribeToIoTCore: () => {
          throw new Error('not connected');
        },
        publishToIoTCore: () => Promise.reject(new Error('not connected')),
      }),
    });
    transports.push(transport);
    const error = await transport.connect().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectError);
    expect((error as Error).message).toMatch(/invalid SVCUID/);
  });

  it('fails with a ConfigError outside a Greengrass component', async () => {
    const transport = new GreengrassIpcTransport({
      handlers: { onMessage: () => undefined, onDisconnect: () => undefined },
      env: {},
    });
    transports.push(transport);
    const error = await transport.connect().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/SVCUID/);
  });
});
