import { z } from 'zod';
import { type Clock, systemClock } from '../clock.js';
import { CredentialsError, describeError } from '../errors.js';
import { CachedCredentialsProvider } from './cached-credentials.js';
import type { CredentialsEnvironment } from './basic-credentials.js';
import type { AwsCredentials, CredentialsProvider } from './credentials.js';
import { startDeadline } from './deadline.js';
import { isLoopbackHost } from '../endpoint.js';
import { serviceMessage } from './aws-error.js';

const SOURCE = 'greengrass';
const URI_VARIABLE = 'AWS_CONTAINER_CREDENTIALS_FULL_URI';
const TOKEN_VARIABLE = 'AWS_CONTAINER_AUTHORIZATION_TOKEN';

export interface GreengrassCredentialsOptions {
  /** Where the two variables come from. @default process.env */
  readonly env?: CredentialsEnvironment | undefined;
  /** @default globalThis.fetch */
  readonly fetch?: typeof fetch | undefined;
  /** @default systemClock */
  readonly clock?: Clock | undefined;
  /** Bound on one request to the token exchange service. @default 5000 */
  readonly timeoutMs?: number | undefined;
  /** @default 300_000 */
  readonly refreshMarginMs?: number | undefined;
}

// The container-credentials format the TES translates to (aws-greengrass-nucleus tes/).
const responseSchema = z.object({
  AccessKeyId: z.string().min(1),
  SecretAccessKey: z.string().min(1),
  Token: z.string().min(1),
  Expiration: z.string().min(1),
});

/**
 * Credentials from the Greengrass v2 token exchange service: `GET
 * $AWS_CONTAINER_CREDENTIALS_FULL_URI` with `Authorization: $AWS_CONTAINER_AUTHORIZATION_TOKEN`.
 * The variables are read on each fetch. Plain http is accepted only to a loopback host (the TES
 * listens on localhost), as the AWS SDK's container provider does.
 */
export function greengrassCredentials(options: GreengrassCredentialsOptions = {}): CredentialsProvider {
  const env = options.env ?? process.env;
  const fetchFn = options.fetch ?? globalThis.fetch;
  const clock = options.clock ?? systemClock;
  const timeoutMs = options.timeoutMs ?? 5_000;
  const load = async (): Promise<AwsCredentials> => {
    const { url, token } = readEnvironment(env);
    const deadline = startDeadline(clock, timeoutMs);
    let status: number;
    let body: string;
    try {
      const response = await fetchFn(url, {
        method: 'GET',
        headers: { authorization: token, accept: 'application/json' },
        redirect: 'error',
        signal: deadline.signal,
      });
      status = response.status;
      body = await response.text();
    } catch (error) {
      const reason = deadline.timedOut ? `timed out after ${timeoutMs} ms` : describeError(error);
      throw new CredentialsError(SOURCE, `request to ${url.host} failed: ${reason}`, { cause: error });
    } finally {
      deadline.dispose();
    }
    return parseResponse(status, body);
  };
  return new CachedCredentialsProvider(load, {
    source: SOURCE,
    clock,
    refreshMarginMs: options.refreshMarginMs,
  });
}

function readEnvironment(env: CredentialsEnvironment): { url: URL; token: string } {
  const uri = env[URI_VARIABLE];
  const token = env[TOKEN_VARIABLE];
  if (uri === undefined || uri === '') throw new CredentialsError(SOURCE, `${URI_VARIABLE} is not set`);
  if (token === undefined || token === '') throw new CredentialsError(SOURCE, `${TOKEN_VARIABLE} is not set`);
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw new CredentialsError(SOURCE, `${URI_VARIABLE} is not a URL`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
    throw new CredentialsError(SOURCE, `${URI_VARIABLE} must be https, or http to a loopback host`);
  }
  return { url, token };
}

function parseResponse(status: number, body: string): AwsCredentials {
  if (status !== 200) throw new CredentialsError(SOURCE, `HTTP ${status}${serviceMessage(body)}`);
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new CredentialsError(SOURCE, 'response is not JSON');
  }
  const parsed = responseSchema.safeParse(json);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((issue) => issue.path.join('.')).join(', ');
    throw new CredentialsError(SOURCE, `unexpected response shape (${fields})`);
  }
  const expiresAt = Date.parse(parsed.data.Expiration);
  if (Number.isNaN(expiresAt)) throw new CredentialsError(SOURCE, 'Expiration is not an RFC 3339 date');
  return {
    accessKeyId: parsed.data.AccessKeyId,
    secretAccessKey: parsed.data.SecretAccessKey,
    sessionToken: parsed.data.Token,
    expiresAt,
  };
}
