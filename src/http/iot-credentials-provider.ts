import { request } from 'node:https';
import { z } from 'zod';
import { type Clock, systemClock } from '../clock.js';
import { ConfigError, CredentialsError, describeError } from '../errors.js';
import { thingNameProblem } from '../protocol/names.js';
import { CachedCredentialsProvider } from './cached-credentials.js';
import type { AwsCredentials, CredentialsProvider } from './credentials.js';
import { startDeadline } from './deadline.js';
import { encodeRfc3986 } from './uri.js';
import { serviceMessage } from './aws-error.js';

const SOURCE = 'iot-credentials-provider';
// Role alias names as the AWS IoT service model allows them.
const ROLE_ALIAS = /^[\w=,@-]{1,128}$/;
// A credentials document is a few hundred bytes; anything far larger is not one.
const MAX_RESPONSE_BYTES = 64 * 1024;

export interface IotCredentialsProviderOptions {
  /**
   * The account's credentials endpoint (`aws iot describe-endpoint --endpoint-type
   * iot:CredentialProvider`), with or without `https://`.
   */
  readonly endpoint: string;
  /** The role alias whose role the certificate may assume. */
  readonly roleAlias: string;
  /** Sent as `x-amzn-iot-thingname`; AWS answers 403 unless the certificate is attached to it. */
  readonly thingName: string;
  /** Device certificate and private key (PEM): the TLS client identity. */
  readonly cert: string | Buffer;
  readonly key: string | Buffer;
  /** CA bundle that signs the endpoint's certificate. @default Node's built-in roots */
  readonly ca?: string | Buffer | undefined;
  readonly passphrase?: string | undefined;
  /** @default systemClock */
  readonly clock?: Clock | undefined;
  /** Bound on one credentials request, connect included. @default 5000 */
  readonly timeoutMs?: number | undefined;
  /** @default 300_000 */
  readonly refreshMarginMs?: number | undefined;
}

const responseSchema = z.object({
  credentials: z.object({
    accessKeyId: z.string().min(1),
    secretAccessKey: z.string().min(1),
    sessionToken: z.string().min(1),
    expiration: z.string().min(1),
  }),
});

/**
 * Temporary credentials from the AWS IoT credentials provider: the device authenticates with
 * its X.509 certificate (mutual TLS, server certificate always verified) and receives the role
 * alias's credentials. Cached until 5 minutes before `expiration`.
 *
 * @see https://docs.aws.amazon.com/iot/latest/developerguide/authorizing-direct-aws.html
 */
export function iotCredentialsProvider(options: IotCredentialsProviderOptions): CredentialsProvider {
  const url = credentialsUrl(options);
  const thingProblem = thingNameProblem(options.thingName);
  if (thingProblem) throw ConfigError.forField('thingName', thingProblem);
  const clock = options.clock ?? systemClock;
  const timeoutMs = options.timeoutMs ?? 5_000;
  const load = async (): Promise<AwsCredentials> => {
    const deadline = startDeadline(clock, timeoutMs);
    let response: { status: number; body: string };
    try {
      response = await getOverMutualTls(url, options, deadline.signal);
    } catch (error) {
      const reason = deadline.timedOut ? `timed out after ${timeoutMs} ms` : describeError(error);
      throw new CredentialsError(SOURCE, `request to ${url.host} failed: ${reason}`, { cause: error });
    } finally {
      deadline.dispose();
    }
    return parseResponse(response);
  };
  return new CachedCredentialsProvider(load, {
    source: SOURCE,
    clock,
    refreshMarginMs: options.refreshMarginMs,
  });
}

function credentialsUrl(options: IotCredentialsProviderOptions): URL {
  if (!ROLE_ALIAS.test(options.roleAlias)) {
    throw ConfigError.forField(
      'roleAlias',
      'must be 1-128 characters of letters, digits, "_", "=", ",", "@" or "-"',
    );
  }
  const base = /^[a-z][a-z0-9+.-]*:\/\//i.test(options.endpoint)
    ? options.endpoint
    : `https://${options.endpoint}`;
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    throw ConfigError.forField('endpoint', 'must be a host name or an https:// URL');
  }
  if (url.protocol !== 'https:') throw ConfigError.forField('endpoint', 'must be https:// (mutual TLS)');
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    throw ConfigError.forField('endpoint', 'must not contain user information, a query or a fragment');
  }
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/role-aliases/${encodeRfc3986(options.roleAlias)}/credentials`;
  return url;
}

function getOverMutualTls(
  url: URL,
  options: IotCredentialsProviderOptions,
  signal: AbortSignal,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'GET',
        headers: { accept: 'application/json', 'x-amzn-iot-thingname': options.thingName },
        cert: options.cert,
        key: options.key,
        ...(options.ca === undefined ? {} : { ca: options.ca }),
        ...(options.passphrase === undefined ? {} : { passphrase: options.passphrase }),
        // Never relaxed, whatever NODE_TLS_REJECT_UNAUTHORIZED says.
        rejectUnauthorized: true,
        // A fresh connection per fetch: it happens about once an hour.
        agent: false,
        signal,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_RESPONSE_BYTES)
            req.destroy(new Error(`response larger than ${MAX_RESPONSE_BYTES} bytes`));
          else chunks.push(chunk);
        });
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

function parseResponse(response: { status: number; body: string }): AwsCredentials {
  if (response.status !== 200) {
    throw new CredentialsError(SOURCE, `HTTP ${response.status}${serviceMessage(response.body)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(response.body);
  } catch {
    throw new CredentialsError(SOURCE, 'response is not JSON');
  }
  const parsed = responseSchema.safeParse(json);
  // Only the paths of the problems: the values are secrets.
  if (!parsed.success) {
    const fields = parsed.error.issues.map((issue) => issue.path.join('.')).join(', ');
    throw new CredentialsError(SOURCE, `unexpected response shape (${fields})`);
  }
  const { accessKeyId, secretAccessKey, sessionToken, expiration } = parsed.data.credentials;
  const expiresAt = Date.parse(expiration);
  if (Number.isNaN(expiresAt)) throw new CredentialsError(SOURCE, 'expiration is not an RFC 3339 date');
  return { accessKeyId, secretAccessKey, sessionToken, expiresAt };
}
