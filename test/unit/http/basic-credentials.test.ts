import { describe, expect, it } from 'vitest';
import { environmentCredentials, staticCredentials } from '../../../src/http/basic-credentials.js';
import { ConfigError, CredentialsError } from '../../../src/errors.js';

describe('staticCredentials', () => {
  it('returns the keys it was given', async () => {
    const provider = staticCredentials({
      accessKeyId: 'AKID',
      secretAccessKey: 'SECRET',
      sessionToken: 'TOKEN',
    });
    await expect(provider.get()).resolves.toEqual({
      accessKeyId: 'AKID',
      secretAccessKey: 'SECRET',
      sessionToken: 'TOKEN',
    });
  });

  it('leaves the session token out when none is given', async () => {
    const credentials = await staticCredentials({ accessKeyId: 'AKID', secretAccessKey: 'SECRET' }).get();
    expect('sessionToken' in credentials).toBe(false);
  });

  it('throws a ConfigError naming an empty field', () => {
    expect(() => staticCredentials({ accessKeyId: 'AKID', secretAccessKey: '' })).toThrow(
      ConfigError.forField('secretAccessKey', 'must not be empty'),
    );
  });
});

describe('environmentCredentials', () => {
  it('reads the three variables', async () => {
    const env = { AWS_ACCESS_KEY_ID: 'AKID', AWS_SECRET_ACCESS_KEY: 'SECRET', AWS_SESSION_TOKEN: 'TOKEN' };
    await expect(environmentCredentials(env).get()).resolves.toEqual({
      accessKeyId: 'AKID',
      secretAccessKey: 'SECRET',
      sessionToken: 'TOKEN',
    });
  });

  it('works without a session token', async () => {
    const env = { AWS_ACCESS_KEY_ID: 'AKID', AWS_SECRET_ACCESS_KEY: 'SECRET' };
    await expect(environmentCredentials(env).get()).resolves.toEqual({
      accessKeyId: 'AKID',
      secretAccessKey: 'SECRET',
    });
  });

  it.each([
    ['AWS_ACCESS_KEY_ID', { AWS_SECRET_ACCESS_KEY: 'SECRET' }],
    ['AWS_SECRET_ACCESS_KEY', { AWS_ACCESS_KEY_ID: 'AKID', AWS_SECRET_ACCESS_KEY: '' }],
  ])('rejects with a CredentialsError naming %s when it is missing', async (name, env) => {
    const error: unknown = await environmentCredentials(env)
      .get()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CredentialsError);
    expect((error as CredentialsError).message).toBe(`credentials from environment: ${name} is not set`);
  });

  it('reads the environment on every get()', async () => {
    const env: Record<string, string> = { AWS_ACCESS_KEY_ID: 'OLD', AWS_SECRET_ACCESS_KEY: 'S' };
    const provider = environmentCredentials(env);
    await provider.get();
    env['AWS_ACCESS_KEY_ID'] = 'NEW';
    await expect(provider.get()).resolves.toMatchObject({ accessKeyId: 'NEW' });
  });
});
