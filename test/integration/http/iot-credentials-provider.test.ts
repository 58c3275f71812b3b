import { once } from 'node:events';
import { type Server, createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { TLSSocket } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { iotCredentialsProvider } from '../../../src/http/iot-credentials-provider.js';
import { ConfigError, CredentialsError } from '../../../src/errors.js';
import { TEST_THING_NAME, testCerts } from '../../helpers/certs.js';
import { ManualClock } from '../../helpers/manual-clock.js';

const HOUR = 3_600_000;
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY';
const TOKEN = 'IQoJb3JpZ2luX2VjEXAMPLETOKEN//////////';

interface SeenRequest {
  readonly path: string;
  readonly thingHeader: string | undefined;
  readonly peerCn: unknown;
}

interface FakeCredentialsEndpoint {
  readonly url: string;
  readonly requests: SeenRequest[];
  close(): Promise<void>;
}

/**
 * The AWS IoT credentials provider as a mutual-TLS server: it refuses clients without a
 * certificate from the test CA, and answers 403 unless the thing-name header matches the
 * certificate's CN (what AWS does for a certificate not attached to that thing).
 */
async function startCredentialsEndpoint(
  clock: ManualClock,
  answer?: () => { status: number; body: string },
): Promise<FakeCredentialsEndpoint> {
  const certs = testCerts();
  const requests: SeenRequest[] = [];
  let issued = 0;
  const server: Server = createServer(
    {
      key: certs.server.key,
      cert: certs.server.cert,
      ca: certs.ca.cert,
      requestCert: true,
      rejectUnauthorized: true,
    },
    (req, res) => {
      const peerCn = req.socket instanceof TLSSocket ? req.socket.getPeerCertificate().subject.CN : undefined;
      const thingHeader = req.headers['x-amzn-iot-thingname'] as string | undefined;
      requests.push({ path: req.url ?? '', thingHeader, peerCn });
      res.setHeader('content-type', 'application/json');
      if (answer) {
        const { status, body } = answer();
        res.writeHead(status).end(body);
        return;
      }
      if (req.url !== '/role-aliases/jobs-agent-role/credentials' || thingHeader !== peerCn) {
        res.writeHead(403).end(JSON.stringify({ message: 'Forbidden' }));
        return;
      }
      issued++;
      res.writeHead(200).end(
        JSON.stringify({
          credentials: {
            accessKeyId: `ASIAFAKE${issued}`,
            secretAccessKey: SECRET,
            sessionToken: TOKEN,
            expiration: new Date(clock.now() + HOUR).toISOString().replace(/\.\d{3}Z$/, 'Z'),
          },
        }),
      );
    },
  );
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    requests,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

let endpoint: FakeCredentialsEndpoint | undefined;
afterEach(async () => {
  await endpoint?.close();
  endpoint = undefined;
});

function providerFor(
  url: string,
  clock: ManualClock,
  overrides: Partial<Parameters<typeof iotCredentialsProvider>[0]> = {},
) {
  const certs = testCerts();
  return iotCredentialsProvider({
    endpoint: url,
    roleAlias: 'jobs-agent-role',
    thingName: TEST_THING_NAME,
    cert: certs.device.cert,
    key: certs.device.key,
    ca: certs.ca.cert,
    clock,
    ...overrides,
  });
}

describe('iotCredentialsProvider against a mutual-TLS endpoint', () => {
  it('fetches credentials with the device certificate and the thing-name header', async () => {
    const clock = new ManualClock();
    endpoint = await startCredentialsEndpoint(clock);
    const credentials = await providerFor(endpoint.url, clock).get();
    expect(credentials).toEqual({
      accessKeyId: 'ASIAFAKE1',
      secretAccessKey: SECRET,
      sessionToken: TOKEN,
      expiresAt: clock.now() + HOUR,
    });
    expect(endpoint.requests).toEqual([
      {
        path: '/role-aliases/jobs-agent-role/credentials',
        thingHeader: TEST_THING_NAME,
        peerCn: TEST_THING_NAME,
      },
    ]);
  });

  it('serves the cache until five minutes before expiration', async () => {
    const clock = new ManualClock();
    endpoint = await startCredentialsEndpoint(clock);
    const provider = providerFor(endpoint.url, clock);
    await provider.get();
    clock.advance(HOUR - 5 * 60_000 - 1_000);
    expect((await provider.get()).accessKeyId).toBe('ASIAFAKE1');
    expect(endpoint.requests).toHaveLength(1);
  });

  it('fetches again once the credentials are about to expire', async () => {
    const clock = new ManualClock();
    endpoint = await startCredentialsEndpoint(clock);
    const provider = providerFor(endpoint.url, clock);
    await provider.get();
    clock.advance(HOUR - 5 * 60_000);
    expect((await provider.get()).accessKeyId).toBe('ASIAFAKE2');
    expect(endpoint.requests).toHaveLength(2);
  });

  it('shares one request between concurrent callers', async () => {
    const clock = new ManualClock();
    endpoint = await startCredentialsEndpoint(clock);
    const provider = providerFor(endpoint.url, clock);
    await Promise.all([provider.get(), provider.get(), provider.get()]);
    expect(endpoint.requests).toHaveLength(1);
  });

  it('rejects a 403 (thing not attached to the certificate) with CredentialsError', async () => {
    const clock = new ManualClock();
    endpoint = await startCredentialsEndpoint(clock);
    const error: unknown = await providerFor(endpoint.url, clock, { thingName: 'another-thing' })
      .get()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CredentialsError);
    expect((error as CredentialsError).message).toBe(
      'credentials from iot-credentials-provider: HTTP 403: Forbidden',
    );
  });

  it('is refused by the server with a certificate from another CA', async () => {
    const clock = new ManualClock();
    endpoint = await startCredentialsEndpoint(clock);
    const rogue = testCerts().rogueDevice;
    await expect(
      providerFor(endpoint.url, clock, { cert: rogue.cert, key: rogue.key }).get(),
    ).rejects.toBeInstanceOf(CredentialsError);
    expect(endpoint.requests).toHaveLength(0);
  });

  it('refuses a server whose certificate it cannot verify', async () => {
    const clock = new ManualClock();
    endpoint = await startCredentialsEndpoint(clock);
    const error: unknown = await providerFor(endpoint.url, clock, { ca: testCerts().rogueCa.cert })
      .get()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CredentialsError);
    expect((error as Error).message).toMatch(/certificate/i);
    expect(endpoint.requests).toHaveLength(0);
  });

  it('keeps secrets out of the error for a response it cannot use', async () => {
    const clock = new ManualClock();
    endpoint = await startCredentialsEndpoint(clock, () => ({
      status: 200,
      body: JSON.stringify({
        credentials: {
          accessKeyId: 'ASIAFAKE',
          secretAccessKey: SECRET,
          sessionToken: TOKEN,
          expiration: 'soon',
        },
      }),
    }));
    const error = (await providerFor(endpoint.url, clock)
      .get()
      .catch((e: unknown) => e)) as CredentialsError;
    expect(error).toBeInstanceOf(CredentialsError);
    const everything = `${error.message} ${JSON.stringify(error)} ${String(error.stack)}`;
    expect(everything).not.toContain(SECRET);
    expect(everything).not.toContain(TOKEN);
    expect(everything).not.toContain('PRIVATE KEY');
  });

  it('names the fields of a response of the wrong shape, not their values', async () => {
    const clock = new ManualClock();
    endpoint = await startCredentialsEndpoint(clock, () => ({
      status: 200,
      body: JSON.stringify({ credentials: { accessKeyId: 'ASIAFAKE', secretAccessKey: SECRET } }),
    }));
    await expect(providerFor(endpoint.url, clock).get()).rejects.toThrow(
      'credentials from iot-credentials-provider: unexpected response shape (credentials.sessionToken, credentials.expiration)',
    );
  });
});

describe('iotCredentialsProvider options', () => {
  it.each([
    ['roleAlias', { roleAlias: 'bad/alias' }],
    ['thingName', { thingName: 'bad thing' }],
    ['endpoint', { endpoint: 'http://credentials.example.com' }],
  ])('throws a ConfigError naming %s', (field, overrides) => {
    let error: unknown;
    try {
      providerFor('https://example.com', new ManualClock(), overrides);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues[0]?.path).toBe(field);
  });
});
