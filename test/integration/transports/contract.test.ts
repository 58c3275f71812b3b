import { CrtTransport } from '../../../src/transport/crt-transport.js';
import { GreengrassIpcTransport } from '../../../src/transport/greengrass-ipc-transport.js';
import { MqttTransport } from '../../../src/transport/mqtt-transport.js';
import { describeTransportContract } from '../../contract/transport.contract.js';
import { aedesContractBroker } from '../../contract/transport-brokers.js';
import { deviceTls, TEST_THING_NAME } from '../../helpers/certs.js';
import { IpcStandIn } from '../../helpers/ipc-standin.js';

// Every transport against the in-process aedes (MQTT 3.1.1) over mutual TLS. MQTT 5 runs against
// mosquitto in test/interop/mosquitto-transports.test.ts.

describeTransportContract('MqttTransport, MQTT 3.1.1, aedes', {
  startBroker: aedesContractBroker,
  createTransport: (broker, handlers, identity) =>
    new MqttTransport({
      url: broker.url,
      clientId: TEST_THING_NAME,
      ...deviceTls(identity),
      protocolVersion: 4,
      connectTimeoutMs: 4_000,
      handlers,
    }),
});

describeTransportContract('CrtTransport, MQTT 3.1.1, aedes', {
  startBroker: aedesContractBroker,
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

describeTransportContract('GreengrassIpcTransport, IPC stand-in bridged to aedes', {
  startBroker: aedesContractBroker,
  createTransport: (broker, handlers, identity) =>
    new GreengrassIpcTransport({
      handlers,
      connectTimeoutMs: 4_000,
      // The stand-in plays the nucleus; its upstream certificate is the one under test.
      createClient: () =>
        new IpcStandIn({ url: broker.url, tls: deviceTls(identity), clientId: TEST_THING_NAME }),
    }),
});
