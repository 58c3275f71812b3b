import { EventEmitter } from 'eventemitter3';
import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { CrtTransport } from '../../src/transport/crt-transport.js';
import { MqttTransport } from '../../src/transport/mqtt-transport.js';
import { describeTransportContract } from '../contract/transport.contract.js';
import { mosquittoContractBroker } from '../contract/transport-brokers.js';
import { deviceTls, TEST_THING_NAME } from '../helpers/certs.js';
import { nextEvent } from '../helpers/events.js';
import { mosquittoSkipReason } from '../helpers/mosquitto.js';

// MQTT 5 against Debian's mosquitto with a mutual-TLS listener (aedes speaks only 3.1.1). Skipped
// only when the mosquitto binary is missing; .ci/run installs it, so CI always runs these.
const skip = mosquittoSkipReason();
if (skip !== undefined) console.warn(`skipping the mosquitto transport contract: ${skip}`);

describeTransportContract('MqttTransport, MQTT 5, mosquitto', {
  skip,
  startBroker: mosquittoContractBroker,
  createTransport: (broker, handlers, identity) =>
    new MqttTransport({
      url: broker.url,
      clientId: TEST_THING_NAME,
      ...deviceTls(identity),
      protocolVersion: 5,
      connectTimeoutMs: 4_000,
      handlers,
    }),
});

describeTransportContract('CrtTransport, MQTT 5, mosquitto', {
  skip,
  startBroker: mosquittoContractBroker,
  createTransport: (broker, handlers, identity) =>
    new CrtTransport({
      url: broker.url,
      clientId: TEST_THING_NAME,
      ...deviceTls(identity),
      protocolVersion: 5,
      connectTimeoutMs: 4_000,
      handlers,
    }),
});

describeTransportContract('CrtTransport, MQTT 3.1.1, mosquitto', {
  skip,
  startBroker: mosquittoContractBroker,
  createTransport: (broker, handlers, identity) =>
    new CrtTransport({
      url: broker.url,
      clientId: TEST_THING_NAME,
      ...deviceTls(identity),
      protocolVersion: 4,
      connectTimeoutMs: 4_000,
      handlers,
    }),
});

describe.skipIf(skip !== undefined)('CrtTransport, MQTT 5, mosquitto: reconnect ownership', () => {
  let broker: Awaited<ReturnType<typeof mosquittoContractBroker>> | undefined;
  let transport: CrtTransport | undefined;

  afterEach(async () => {
    await transport?.close();
    await broker?.close();
  });

  it('does not redial by itself after the broker restarts: the agent owns reconnect', async () => {
    const b = await mosquittoContractBroker();
    broker = b;
    const events = new EventEmitter<{ disconnect: [reason: string] }>();
    transport = new CrtTransport({
      url: b.url,
      clientId: TEST_THING_NAME,
      ...deviceTls(),
      protocolVersion: 5,
      connectTimeoutMs: 4_000,
      handlers: { onMessage: () => undefined, onDisconnect: (reason) => events.emit('disconnect', reason) },
    });
    await transport.connect();
    const lost = nextEvent(events, 'disconnect', 8_000);
    await b.drop();
    await lost;
    // A probe takes the device's client id: a redial of the CRT's own would kick it off
    // (MQTT: the broker closes the older connection of a client id).
    const probe = await mqtt.connectAsync(
      b.url,
      { ...deviceTls(), clientId: TEST_THING_NAME, protocolVersion: 5, reconnectPeriod: 0, clean: true },
      false,
    );
    let kicked = false;
    probe.on('close', () => (kicked = true));
    probe.on('error', () => undefined);
    // Longer than the CRT's pinned reconnect delay (2 s).
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(kicked).toBe(false);
    await probe.endAsync();
    await expect(transport.connect()).resolves.toEqual({ sessionPresent: false });
  });
});
