import { afterEach, describe, expect, it } from 'vitest';
import { greengrassCredentials } from '../../../src/http/greengrass-credentials.js';
import { CredentialsError } from '../../../src/errors.js';
import { ManualClock } from '../../helpers/manual-clock.js';
import { type StubServer, startStubServer } from './stub-server.js';

const HOUR = 3_600_000;
const AUTH_TOKEN = 'svcuid-0123456789abcdef';
const SECRET = 'tes/secret+access=key';
const SESSION = 'tes-session-token-value';
const PATH = '/2016-11-01/credentialprovider/';

let tes: StubServer | undefined;
afterEach(async () => {
  await tes?.close();
  tes = undefined;
});

/** The Greengrass token exchange service: 403 without the component's token. */
async function startTes(clock: ManualClock): Promise<StubServer> {
  let issued = 0;
  tes = await startStubServer((request) => {
    if (request.method !== 'GET' || request.target !== PATH) return { status: 400, body: '' };
    if (request.headers.authorization !== AUTH_TOKEN)
      return { status: 403, body: '{"message":"Unauthorized"}' };
    issued++;
    return {
      status: 200,
      body: JSON.stringify({
        AccessKeyId: `ASIATES${issued}`,
        SecretAccessKey: SECRET,
        Token: SESSION,
        Expiration: new Date(clock.now() + HOUR).toISOString(),
      }),
    };
  });
  return tes;
}

const envFor = (server: StubServer, token = AUTH_TOKEN): Record<string, string> => ({
  AWS_CONTAINER_CREDENTIALS_FULL_URI: `${server.url}${PATH}`,
  AWS_CONTAINER_AUTHORIZATION_TOKEN: token,
});

describe('greengrassCredentials against a local token exchange service', () => {
  it('sends the authorization token and reads the container credentials', async () => {
    const clock = new ManualClock();
    const server = await startTes(clock);
    const credentials = await greengrassCredentials({ env: envFor(server), clock }).get();
    expect(credentials).toEqual({
      accessKeyId: 'ASIATES1',
      secretAccessKey: SECRET,
      sessionToken: SESSION,
      expiresAt: clock.now() + HOUR,
    });
    expect(server.requests[0]?.headers.authorization).toBe(AUTH_TOKEN);
  });

  it('fetches again only when the credentials near expiry', async () => {
    const clock = new ManualClock();
    const server = await startTes(clock);
    const provider = greengrassCredentials({ env: envFor(server), clock });
    await provider.get();
    clock.advance(30 * 60_000);
    await provider.get();
    expect(server.requests).toHaveLength(1);
    clock.advance(30 * 60_000);
    expect((await provider.get()).accessKeyId).toBe('ASIATES2');
  });

  it('rejects a wrong token with a CredentialsError that does not contain it', async () => {
    const clock = new ManualClock();
    const server = await startTes(clock);
    const wrongToken = 'not-the-svcuid-token';
    const error = (await greengrassCredentials({ env: envFor(server, wrongToken), clock })
      .get()
      .catch((e: unknown) => e)) as CredentialsError;
    expect(error).toBeInstanceOf(CredentialsError);
    expect(error.message).toBe('credentials from greengrass: HTTP 403: Unauthorized');
    expect(`${error.message} ${JSON.stringify(error)}`).not.toContain(wrongToken);
  });
});

describe('greengrassCredentials environment', () => {
  it.each(['AWS_CONTAINER_CREDENTIALS_FULL_URI', 'AWS_CONTAINER_AUTHORIZATION_TOKEN'])(
    'names %s when it is missing',
    async (name) => {
      const full: Record<string, string> = {
        AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://localhost:1/x',
        AWS_CONTAINER_AUTHORIZATION_TOKEN: 't',
      };
      const env = Object.fromEntries(Object.entries(full).filter(([key]) => key !== name));
      await expect(greengrassCredentials({ env, clock: new ManualClock() }).get()).rejects.toThrow(
        `credentials from greengrass: ${name} is not set`,
      );
    },
  );

  it('refuses plain http to a host that is not loopback, sending nothing', async () => {
    let calls = 0;
    const fetch = (() => {
      calls++;
      return Promise.resolve(new Response('{}'));
    }) as typeof globalThis.fetch;
    const env = {
      AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://169.254.170.2/creds',
      AWS_CONTAINER_AUTHORIZATION_TOKEN: AUTH_TOKEN,
    };
    await expect(greengrassCredentials({ env, fetch, clock: new ManualClock() }).get()).rejects.toThrow(
      /must be https, or http to a loopback host/,
    );
    expect(calls).toBe(0);
  });
});
