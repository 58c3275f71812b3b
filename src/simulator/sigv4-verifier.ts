import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';

/**
 * Server-side SigV4 verification for the simulator: the request is signed again with the known
 * secret (by @smithy/signature-v4, the signer the AWS SDK v3 uses) over exactly the headers the
 * client says it signed, and the two signatures are compared. Failures use the AWS front end's
 * 403 error types (reference §3.3).
 */

export interface SimulatorCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** When set, requests must carry it in `x-amz-security-token`. */
  readonly sessionToken?: string;
}

/** The parts of an HTTP request a signature covers. */
export interface SignedRequestParts {
  readonly method: string;
  /** The path as sent (still percent-encoded). */
  readonly rawPath: string;
  /** Decoded query parameters. */
  readonly query: Readonly<Record<string, string | string[]>>;
  readonly headers: IncomingHttpHeaders;
  readonly body: Uint8Array;
}

export interface VerifyOptions {
  readonly credentials: readonly SimulatorCredentials[];
  readonly region: string;
  readonly service: string;
  readonly nowMs: number;
  /** AWS refuses signatures more than 15 minutes away from its clock. */
  readonly maxSkewMs: number;
}

export type VerifyResult =
  | { readonly ok: true; readonly accessKeyId: string }
  | { readonly ok: false; readonly type: string; readonly message: string };

type SignableRequest = Parameters<SignatureV4['sign']>[0];

const AUTHORIZATION =
  /^AWS4-HMAC-SHA256 Credential=([^/\s]+)\/(\d{8})\/([^/\s]+)\/([^/\s]+)\/aws4_request,\s*SignedHeaders=([a-z0-9;._-]+),\s*Signature=([0-9a-f]{64})$/;
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';

const invalidSignature = (message: string): VerifyResult => ({
  ok: false,
  type: 'InvalidSignatureException',
  message,
});

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

function parseAmzDate(value: string): Date | undefined {
  const m = AMZ_DATE.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number);
  if (
    y === undefined ||
    mo === undefined ||
    d === undefined ||
    h === undefined ||
    mi === undefined ||
    s === undefined
  ) {
    return undefined;
  }
  return new Date(Date.UTC(y, mo - 1, d, h, mi, s));
}

/** Checks a request's `Authorization: AWS4-HMAC-SHA256 ...` header against the known credentials. */
export async function verifySigV4(
  request: SignedRequestParts,
  options: VerifyOptions,
): Promise<VerifyResult> {
  const authorization = header(request.headers, 'authorization');
  if (authorization === undefined) {
    return {
      ok: false,
      type: 'MissingAuthenticationTokenException',
      message: 'Missing Authentication Token',
    };
  }
  const match = AUTHORIZATION.exec(authorization.trim());
  if (!match)
    return { ok: false, type: 'IncompleteSignatureException', message: 'Authorization header is malformed' };
  const [, accessKeyId = '', scopeDate = '', region = '', service = '', signedList = '', signature = ''] =
    match;
  const known = options.credentials.find((c) => c.accessKeyId === accessKeyId);
  const token = header(request.headers, 'x-amz-security-token');
  if (!known || token !== known.sessionToken) {
    return {
      ok: false,
      type: 'UnrecognizedClientException',
      message: 'The security token included in the request is invalid.',
    };
  }
  if (region !== options.region)
    return invalidSignature(`Credential should be scoped to a valid region, not '${region}'.`);
  if (service !== options.service)
    return invalidSignature(`Credential should be scoped to correct service: '${options.service}'.`);
  const amzDate = header(request.headers, 'x-amz-date');
  const signingDate = amzDate === undefined ? undefined : parseAmzDate(amzDate);
  if (amzDate === undefined || signingDate === undefined)
    return invalidSignature("Authorization header requires an 'X-Amz-Date' header.");
  if (!amzDate.startsWith(scopeDate))
    return invalidSignature('Credential scope date does not match X-Amz-Date.');
  if (Math.abs(options.nowMs - signingDate.getTime()) > options.maxSkewMs) {
    return invalidSignature(`Signature expired: ${amzDate} is too far from the service's time.`);
  }
  const signedNames = signedList.split(';');
  if (!signedNames.includes('host')) return invalidSignature("'Host' must be a signed header.");
  const headers: Record<string, string> = {};
  for (const name of signedNames) {
    const value = header(request.headers, name);
    if (value === undefined) return invalidSignature(`Signed header '${name}' is missing.`);
    headers[name] = value;
  }
  const declaredHash = headers['x-amz-content-sha256'];
  if (declaredHash !== undefined && declaredHash !== UNSIGNED_PAYLOAD) {
    if (declaredHash !== createHash('sha256').update(request.body).digest('hex')) {
      return invalidSignature('The provided x-amz-content-sha256 header does not match the computed hash.');
    }
  }
  const signer = new SignatureV4({
    credentials: {
      accessKeyId,
      secretAccessKey: known.secretAccessKey,
      ...(token !== undefined && { sessionToken: token }),
    },
    region,
    service,
    sha256: Hash.bind(null, 'sha256'),
    applyChecksum: false,
    uriEscapePath: true,
  });
  const toSign: SignableRequest = {
    method: request.method,
    protocol: 'http:',
    hostname: headers['host'] ?? '',
    path: request.rawPath,
    query: { ...request.query },
    headers,
    ...(request.body.length > 0 && { body: request.body }),
  };
  const signed = await signer.sign(toSign, { signingDate, signableHeaders: new Set(signedNames) });
  const expected = /Signature=([0-9a-f]{64})/.exec(String(signed.headers['authorization']))?.[1] ?? '';
  const same =
    expected.length === signature.length && timingSafeEqual(Buffer.from(expected), Buffer.from(signature));
  if (!same) {
    return invalidSignature(
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.',
    );
  }
  return { ok: true, accessKeyId };
}
