import { describe, expect, it } from 'vitest';
import { resolveAgentOptions } from '../../../src/config/resolve.js';
import { ConfigError } from '../../../src/errors.js';

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const files: Record<string, string> = {
  '/certs/ca.pem': PEM,
  '/certs/device.pem': PEM,
  '/certs/key.pem': PEM,
  '/certs/empty.pem': '',
};
const readFile = (path: string): Buffer => {
  const content = files[path];
  if (content === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
  return Buffer.from(content);
};

const valid = {
  thingName: 'rpi-kitchen-01',
  mqtt: {
    url: 'mqtts://abc123-ats.iot.us-east-1.amazonaws.com:8883',
    caFile: '/certs/ca.pem',
    certFile: '/certs/device.pem',
    keyFile: '/certs/key.pem',
  },
  reconcile: {
    endpoint: 'https://iot.us-east-1.amazonaws.com',
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
  },
};

function problemsOf(input: unknown): string[] {
  try {
    resolveAgentOptions(input, { readFile });
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.map((issue) => `${issue.path}: ${issue.message}`);
    throw error;
  }
  return [];
}

describe('resolveAgentOptions', () => {
  it('applies defaults and reads the certificate files', () => {
    const options = resolveAgentOptions(valid, { readFile });
    expect(options.clientId).toBe('rpi-kitchen-01');
    expect(options.mqtt?.protocolVersion).toBe(4);
    expect(options.reconcile?.intervalSeconds).toBe(300);
    expect(options.reconcile?.credentials).toEqual({
      source: 'static',
      accessKeyId: 'AKIDEXAMPLE',
      secretAccessKey: 'secret',
    });
    expect(options.tls?.cert.toString()).toBe(PEM);
    expect(options.maxPayloadBytes).toBe(128 * 1024);
  });

  it.each([
    [{ ...valid, thingNam: 'x' }, 'thingNam: is not a known option'],
    [{ ...valid, mqtt: { ...valid.mqtt, certfile: 'x' } }, 'mqtt.certfile: is not a known option'],
    [{ ...valid, thingName: 'kitchen/#' }, 'thingName: must be 1-128 characters'],
    [{ ...valid, thingName: 'a'.repeat(129) }, 'thingName: must be 1-128 characters'],
    [{ ...valid, namespaceId: 'ns+1' }, 'namespaceId: must be one or more'],
    [{ ...valid, mqtt: { ...valid.mqtt, url: 'mqtt://broker:1883' } }, 'mqtt.url: must use mqtts://'],
    [{ ...valid, mqtt: { ...valid.mqtt, certFile: undefined } }, 'mqtt.certFile: is required'],
    [{ ...valid, mqtt: { ...valid.mqtt, clientId: 'a/b' } }, 'mqtt.clientId: must not contain'],
    [
      { ...valid, reconcile: { ...valid.reconcile, endpoint: 'http://iot.us-east-1.amazonaws.com' } },
      'reconcile.endpoint: must be https://',
    ],
    [
      { ...valid, reconcile: { ...valid.reconcile, region: 'mars' } },
      'reconcile.region: must be an AWS region',
    ],
    [
      { ...valid, reconcile: { ...valid.reconcile, credentials: { source: 'magic' } } },
      'reconcile.credentials.source',
    ],
    [
      { ...valid, reconcile: { ...valid.reconcile, credentials: { accessKeyId: 'x' } } },
      'reconcile.credentials.secretAccessKey',
    ],
  ])('names the field of a bad config (%#)', (input, expected) => {
    expect(problemsOf(input).join('\n')).toContain(expected);
  });

  it('names the unreadable certificate file', () => {
    expect(problemsOf({ ...valid, mqtt: { ...valid.mqtt, keyFile: '/certs/missing.pem' } })).toEqual([
      'mqtt.keyFile: cannot read /certs/missing.pem (ENOENT)',
    ]);
    expect(problemsOf({ ...valid, mqtt: { ...valid.mqtt, caFile: '/certs/empty.pem' } })).toEqual([
      'mqtt.caFile: /certs/empty.pem is empty',
    ]);
  });

  it('accepts plain http only for loopback endpoints', () => {
    expect(
      problemsOf({ ...valid, reconcile: { ...valid.reconcile, endpoint: 'http://127.0.0.1:4566' } }),
    ).toEqual([]);
    expect(
      problemsOf({ ...valid, reconcile: { ...valid.reconcile, endpoint: 'http://localhost:4566' } }),
    ).toEqual([]);
  });

  it('accepts the credential sources by name', () => {
    for (const credentials of [
      { source: 'env' },
      { source: 'greengrass' },
      {
        source: 'iot-credentials-provider',
        endpoint: 'https://x.credentials.iot.us-east-1.amazonaws.com',
        roleAlias: 'jobs-reader',
      },
    ]) {
      expect(problemsOf({ ...valid, reconcile: { ...valid.reconcile, credentials } })).toEqual([]);
    }
  });

  it('refuses plain http for the IoT credentials provider, which authenticates with the certificate', () => {
    const credentials = {
      source: 'iot-credentials-provider',
      endpoint: 'http://127.0.0.1:8443',
      roleAlias: 'jobs-reader',
    };
    expect(problemsOf({ ...valid, reconcile: { ...valid.reconcile, credentials } })).toEqual([
      'reconcile.credentials.endpoint: must be https:// (mutual TLS)',
    ]);
  });

  it('never puts secrets in the error message', () => {
    const problems = problemsOf({
      ...valid,
      reconcile: {
        ...valid.reconcile,
        credentials: { accessKeyId: 'AKID', secretAccessKey: 'TOPSECRET', extra: 1 },
      },
    });
    expect(problems.join('\n')).not.toContain('TOPSECRET');
  });
});

describe('resolveAgentOptions and the transport', () => {
  const withoutMqtt: Omit<typeof valid, 'mqtt'> = { thingName: valid.thingName, reconcile: valid.reconcile };
  const greengrassEnv = { SVCUID: 'svc', AWS_GG_NUCLEUS_DOMAIN_SOCKET_FILEPATH_FOR_COMPONENT: '/ipc.sock' };

  it('needs no mqtt section for Greengrass IPC', () => {
    const options = resolveAgentOptions({ ...withoutMqtt, transport: 'greengrass-ipc' }, { readFile });
    expect(options.tls).toBeUndefined();
    expect(options.clientId).toBe('rpi-kitchen-01');
  });

  it('decides auto from the Greengrass environment', () => {
    expect(() => resolveAgentOptions(withoutMqtt, { readFile, env: greengrassEnv })).not.toThrow();
    expect(() => resolveAgentOptions(withoutMqtt, { readFile, env: {} })).toThrow(
      /mqtt: is required for the mqtt transport/,
    );
  });

  it('refuses the IoT credentials provider without a device certificate', () => {
    const config = {
      ...withoutMqtt,
      transport: 'greengrass-ipc',
      reconcile: {
        ...valid.reconcile,
        credentials: {
          source: 'iot-credentials-provider',
          endpoint: 'https://x.credentials.iot.us-east-1.amazonaws.com',
          roleAlias: 'r',
        },
      },
    };
    expect(() => resolveAgentOptions(config, { readFile })).toThrow(
      /reconcile\.credentials\.source: iot-credentials-provider needs/,
    );
  });
});

describe('resolveAgentOptions: jobs and request retries', () => {
  it('accepts the handler settings and the request retry policy', () => {
    const options = resolveAgentOptions(
      { ...valid, jobs: { concurrency: 2, unhandledJobs: 'reject' }, requestRetry: { maxAttempts: 3 } },
      { readFile },
    );
    expect(options.jobs).toEqual({ concurrency: 2, unhandledJobs: 'reject' });
    expect(options.requestRetry).toEqual({ initialDelayMs: 200, maxDelayMs: 10_000, maxAttempts: 3 });
  });

  it.each([
    [{ jobs: { concurrency: 0 } }, 'jobs.concurrency'],
    [{ jobs: { unhandledJobs: 'drop' } }, 'jobs.unhandledJobs'],
    [{ jobs: { paralel: 2 } }, 'jobs.paralel: is not a known option'],
    [
      { requestRetry: { initialDelayMs: 500, maxDelayMs: 100 } },
      'requestRetry.maxDelayMs: must be >= initialDelayMs',
    ],
  ])('names the field of bad job settings (%#)', (extra, expected) => {
    expect(problemsOf({ ...valid, ...extra }).join('\n')).toContain(expected);
  });
});
