import { describe, expect, it } from 'vitest';

import {
  DEFAULT_KEEPALIVE_SECONDS,
  DEFAULT_SESSION_EXPIRY_SECONDS,
} from '../../../src/transport/defaults.js';
import { mqttClientOptions } from '../../../src/transport/mqtt-client-options.js';

const settings = { clientId: 'thing-1', cert: 'CERT', key: 'KEY' };
const endpoint = { host: '127.0.0.1', port: 8883 };

describe('the shared transport defaults', () => {
  it('are the keepalive MQTT.js is given when none is set', () => {
    expect(mqttClientOptions(settings, endpoint, 1).keepalive).toBe(DEFAULT_KEEPALIVE_SECONDS);
  });

  it('are the MQTT 5 session expiry MQTT.js is given when none is set', () => {
    expect(mqttClientOptions({ ...settings, protocolVersion: 5 }, endpoint, 1).properties).toEqual({
      sessionExpiryInterval: DEFAULT_SESSION_EXPIRY_SECONDS,
    });
  });
});
