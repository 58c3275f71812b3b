import { describe, expect, it, vi } from 'vitest';
import { ConfigError } from '../../../src/errors.js';
import { CrtTransport } from '../../../src/transport/crt-transport.js';
import { GreengrassIpcTransport } from '../../../src/transport/greengrass-ipc-transport.js';
import { MqttTransport } from '../../../src/transport/mqtt-transport.js';
import {
  resolveTransportKind,
  selectTransportFactory,
  type TransportSelectionOptions,
} from '../../../src/transport/select.js';
import type { TransportHandlers } from '../../../src/transport/transport.js';
import { testCerts } from '../../helpers/certs.js';

const handlers: TransportHandlers = { onMessage: () => undefined, onDisconnect: () => undefined };
const GREENGRASS_ENV = {
  SVCUID: 'token',
  AWS_GG_NUCLEUS_DOMAIN_SOCKET_FILEPATH_FOR_COMPONENT: '/ipc.socket',
};

function options(overrides: Partial<TransportSelectionOptions> = {}): TransportSelectionOptions {
  return {
    transport: 'auto',
    clientId: 'rpi-kitchen-01',
    mqtt: {
      url: 'mqtts://example-ats.iot.us-east-1.amazonaws.com',
      protocolVersion: 4,
      keepaliveSeconds: 300,
      connectTimeoutMs: 10_000,
    },
    // The generated test PKI: selection never reads it, but nothing key-shaped is committed.
    tls: { cert: Buffer.from(testCerts().device.cert), key: Buffer.from(testCerts().device.key) },
    ...overrides,
  };
}

describe('resolveTransportKind', () => {
  it.each([
    ['auto', GREENGRASS_ENV, 'greengrass-ipc'],
    ['auto', { SVCUID: 'token' }, 'mqtt'],
    ['auto', { AWS_GG_NUCLEUS_DOMAIN_SOCKET_FILEPATH_FOR_COMPONENT: '/ipc.socket' }, 'mqtt'],
    ['auto', { SVCUID: '', AWS_GG_NUCLEUS_DOMAIN_SOCKET_FILEPATH_FOR_COMPONENT: '/ipc.socket' }, 'mqtt'],
    ['auto', {}, 'mqtt'],
    ['mqtt', GREENGRASS_ENV, 'mqtt'],
    ['crt', {}, 'crt'],
    ['greengrass-ipc', {}, 'greengrass-ipc'],
  ] as const)('resolves %s with %j to %s', (kind, env, expected) => {
    expect(resolveTransportKind(kind, env)).toBe(expected);
  });
});

describe('selectTransportFactory', () => {
  it('builds the Greengrass IPC transport for auto inside a component', () => {
    expect(selectTransportFactory(options(), GREENGRASS_ENV)(handlers)).toBeInstanceOf(
      GreengrassIpcTransport,
    );
  });

  it('builds MQTT.js for auto outside Greengrass', () => {
    expect(selectTransportFactory(options(), {})(handlers)).toBeInstanceOf(MqttTransport);
  });

  it('builds the CRT transport for crt without loading the SDK until connect()', () => {
    const loadCrtSdk = vi.fn(() => Promise.reject(new Error('not now')));
    const transport = selectTransportFactory(options({ transport: 'crt' }), {}, { loadCrtSdk })(handlers);
    expect(transport).toBeInstanceOf(CrtTransport);
    expect(loadCrtSdk).not.toHaveBeenCalled();
  });

  it('needs no mqtt section or certificates for greengrass-ipc', () => {
    const factory = selectTransportFactory(
      options({ transport: 'greengrass-ipc', mqtt: undefined, tls: undefined }),
      {},
    );
    expect(factory(handlers)).toBeInstanceOf(GreengrassIpcTransport);
  });

  it('refuses mqtt without an mqtt section with a ConfigError naming the field', () => {
    expect(() => selectTransportFactory(options({ transport: 'mqtt', mqtt: undefined }), {})).toThrow(
      expect.objectContaining({
        code: 'ERR_CONFIG',
        issues: [{ path: 'mqtt', message: 'is required for transport "mqtt"' }],
      }),
    );
  });

  it('refuses an encrypted key for crt with a ConfigError on mqtt.keyPassphrase', () => {
    const tls = { cert: Buffer.from('c'), key: Buffer.from('k'), passphrase: 'secret' };
    const error = (() => {
      try {
        selectTransportFactory(options({ transport: 'crt', tls }), {});
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues[0]?.path).toBe('mqtt.keyPassphrase');
  });
});
