import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentials } from './credentials.js';
import { parseQueryString } from './uri.js';

/** A request about to be signed. `url` carries the path and query exactly as they will be sent. */
export interface SignableRequest {
  readonly method: string;
  readonly url: URL;
  /** Headers to sign and send, any case. `host` is derived from `url` and need not be given. */
  readonly headers: Readonly<Record<string, string>>;
  /** The request body, when there is one (its SHA-256 is part of the signature). */
  readonly body?: string | undefined;
}

/**
 * Signs requests with AWS credentials. Pure given its inputs: the signing time comes from the
 * caller (the client's Clock), never from the system clock.
 */
export interface Signer {
  /**
   * The headers to send with `request`: the given ones plus `x-amz-date`, `authorization` and,
   * for temporary credentials, `x-amz-security-token`, all lower-case. `host` is signed but not
   * returned: the HTTP stack derives it from the URL, and some (fetch) refuse to have it set.
   */
  sign(request: SignableRequest, credentials: AwsCredentials, nowMs: number): Promise<Record<string, string>>;
}

export interface SigV4SignerOptions {
  /** AWS region of the endpoint, e.g. `us-east-1`. */
  readonly region: string;
  /**
   * The signing name of the service.
   * @default 'iot' (the control plane that serves ListJobExecutionsForThing)
   */
  readonly service?: string;
}

const sha256 = Hash.bind(null, 'sha256');

/**
 * SigV4 (header signing) with AWS's own signer, `@smithy/signature-v4`. Path segments are
 * URI-encoded once more for the canonical request, as SigV4 requires for every service but S3
 * (so `/things/rpi%3Ax/jobs` is canonicalized as `/things/rpi%253Ax/jobs`). No
 * `x-amz-content-sha256` header is added: only S3 needs it, and leaving it out keeps the
 * signature identical to botocore's and to the official test vectors.
 */
export function createSigV4Signer(options: SigV4SignerOptions): Signer {
  const service = options.service ?? 'iot';
  const { region } = options;
  return {
    async sign(request, credentials, nowMs) {
      // One signer per call: credentials rotate, and smithy binds them at construction.
      const signer = new SignatureV4({
        service,
        region,
        sha256,
        credentials: {
          accessKeyId: credentials.accessKeyId,
          secretAccessKey: credentials.secretAccessKey,
          ...(credentials.sessionToken === undefined ? {} : { sessionToken: credentials.sessionToken }),
        },
        uriEscapePath: true,
        applyChecksum: false,
      });
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = value;
      headers['host'] = request.url.host;
      const signed = await signer.sign(
        {
          method: request.method,
          protocol: request.url.protocol,
          hostname: request.url.hostname,
          path: request.url.pathname,
          query: parseQueryString(request.url.search),
          headers,
          ...(request.body === undefined ? {} : { body: request.body }),
        },
        { signingDate: new Date(nowMs) },
      );
      const result: Record<string, string> = {};
      for (const [name, value] of Object.entries(signed.headers)) {
        if (name !== 'host') result[name] = value;
      }
      return result;
    },
  };
}
