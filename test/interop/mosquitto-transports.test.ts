import { CrtTransport } from '../../src/transport/crt-transport.js';
import { MqttTransport } from '../../src/transport/mqtt-transport.js';
import { describeTransportContract } from '../contract/transport.contract.js';
import { mosquittoContractBroker } from '../contract/transport-brokers.js';
import { deviceTls, TEST_THING_NAME } from '../helpers/certs.js';
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
