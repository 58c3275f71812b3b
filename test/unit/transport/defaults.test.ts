import { describe, expect, it } from 'vitest';

import {
  DEFAULT_CLOSE_TIMEOUT_MS,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_KEEPALIVE_SECONDS,
  DEFAULT_SESSION_EXPIRY_SECONDS,
} from '../../../src/transport/defaults.js';
import { mqttClientOptions } from '../../../src/transport/mqtt-client-options.js';

const settings = { clientId: 'thing-1', cert: 'CERT', key: 'KEY' };
const endpoint = { host: '127.0.0.1', port: 8883 };

describe('transport defaults', () => {
  // The option docs (@default in MqttTransportOptions, CrtTransportOptions, LinkTransportOptions,
  // GreengrassIpcTransportOptions) state these values; changing one means changing those too.
  it('match the documented defaults', () => {
    expect({
      keepaliveSeconds: DEFAULT_KEEPALIVE_SECONDS,
      connectTimeoutMs: DEFAULT_CONNECT_TIMEOUT_MS,
      sessionExpirySeconds: DEFAULT_SESSION_EXPIRY_SECONDS,
      closeTimeoutMs: DEFAULT_CLOSE_TIMEOUT_MS,
    }).toEqual({
      keepaliveSeconds: 60,
      connectTimeoutMs: 10_000,
      sessionExpirySeconds: 3600,
      closeTimeoutMs: 5_000,
    });
  });

  // mqtt-client-options.ts still spells these two out; these keep it in step with the constants.
  it('are the keepalive MQTT.js is given when none is set', () => {
    expect(mqttClientOptions(settings, endpoint, 1).keepalive).toBe(DEFAULT_KEEPALIVE_SECONDS);
  });

  it('are the MQTT 5 session expiry MQTT.js is given when none is set', () => {
    expect(mqttClientOptions({ ...settings, protocolVersion: 5 }, endpoint, 1).properties).toEqual({
      sessionExpiryInterval: DEFAULT_SESSION_EXPIRY_SECONDS,
    });
  });
});
