import { describe, expect, it } from 'vitest';
import { mqttClientOptions, type MqttClientSettings } from '../../../src/transport/mqtt-client-options.js';

const settings: MqttClientSettings = { clientId: 'thing-1', cert: 'CERT', key: 'KEY' };
const endpoint = { host: 'abc-ats.iot.eu-west-1.amazonaws.com', port: 8883 };

describe('mqttClientOptions', () => {
  it('asks for a persistent session without reconnects or resubscribes of MQTT.js', () => {
    expect(mqttClientOptions(settings, endpoint, 10_000)).toMatchObject({
      protocol: 'mqtts',
      clientId: 'thing-1',
      protocolVersion: 4,
      clean: false,
      keepalive: 60,
      reconnectPeriod: 0,
      resubscribe: false,
      rejectUnauthorized: true,
    });
  });

  it("leaves MQTT.js's connect timeout as a backstop behind the transport's", () => {
    expect(mqttClientOptions(settings, endpoint, 10_000).connectTimeout).toBe(15_000);
  });

  it('sends SNI for a host name', () => {
    expect(mqttClientOptions(settings, endpoint, 1).servername).toBe(endpoint.host);
  });

  it('sends no SNI for an IP address', () => {
    expect(mqttClientOptions(settings, { host: '127.0.0.1', port: 8883 }, 1)).not.toHaveProperty(
      'servername',
    );
  });

  it('offers ALPN x-amzn-mqtt-ca on port 443 only', () => {
    expect(mqttClientOptions(settings, { ...endpoint, port: 443 }, 1).ALPNProtocols).toEqual([
      'x-amzn-mqtt-ca',
    ]);
    expect(mqttClientOptions(settings, endpoint, 1)).not.toHaveProperty('ALPNProtocols');
  });

  it('omits the CA and passphrase when they are not given', () => {
    const options = mqttClientOptions({ ...settings, ca: undefined, passphrase: undefined }, endpoint, 1);
    expect(options).not.toHaveProperty('ca');
    expect(options).not.toHaveProperty('passphrase');
  });

  it('asks MQTT 5 for a session expiry, one hour by default', () => {
    expect(mqttClientOptions({ ...settings, protocolVersion: 5 }, endpoint, 1).properties).toEqual({
      sessionExpiryInterval: 3600,
    });
    expect(mqttClientOptions(settings, endpoint, 1)).not.toHaveProperty('properties');
  });
});
