import { ConfigError, CredentialsError } from '../errors.js';
import type { AwsCredentials, CredentialsProvider } from './credentials.js';

export interface StaticCredentialsInput {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string | undefined;
}

/**
 * Fixed credentials (the config file's `reconcile.credentials` keys). Checked at once: a missing
 * key is a configuration mistake (ConfigError naming the field), not a runtime failure.
 */
export function staticCredentials(input: StaticCredentialsInput): CredentialsProvider {
  if (input.accessKeyId === '') throw ConfigError.forField('accessKeyId', 'must not be empty');
  if (input.secretAccessKey === '') throw ConfigError.forField('secretAccessKey', 'must not be empty');
  if (input.sessionToken === '') throw ConfigError.forField('sessionToken', 'must not be empty when given');
  const credentials: AwsCredentials = {
    accessKeyId: input.accessKeyId,
    secretAccessKey: input.secretAccessKey,
    ...(input.sessionToken === undefined ? {} : { sessionToken: input.sessionToken }),
  };
  return {
    get: () => Promise.resolve(credentials),
    // Nothing to refresh: the same keys are all there is.
    invalidate: () => undefined,
  };
}

/** The variables environmentCredentials() reads. */
export type CredentialsEnvironment = Readonly<Record<string, string | undefined>>;

/**
 * `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and, when set, `AWS_SESSION_TOKEN`. Read on every
 * get(), so a supervisor that rotates the environment of a restarted process is honoured, and a
 * missing variable rejects with a CredentialsError naming it.
 */
export function environmentCredentials(env: CredentialsEnvironment = process.env): CredentialsProvider {
  return {
    get() {
      const accessKeyId = env['AWS_ACCESS_KEY_ID'];
      const secretAccessKey = env['AWS_SECRET_ACCESS_KEY'];
      const sessionToken = env['AWS_SESSION_TOKEN'];
      if (accessKeyId === undefined || accessKeyId === '') {
        return Promise.reject(new CredentialsError('environment', 'AWS_ACCESS_KEY_ID is not set'));
      }
      if (secretAccessKey === undefined || secretAccessKey === '') {
        return Promise.reject(new CredentialsError('environment', 'AWS_SECRET_ACCESS_KEY is not set'));
      }
      return Promise.resolve({
        accessKeyId,
        secretAccessKey,
        ...(sessionToken === undefined || sessionToken === '' ? {} : { sessionToken }),
      });
    },
    invalidate: () => undefined,
  };
}
