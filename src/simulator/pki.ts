import { isIP } from 'node:net';
import { generate } from 'selfsigned';

/**
 * A throwaway PKI for the local simulator and the tests: one CA that signs a broker certificate
 * and device certificates, all EC P-256 (about 30 ms each, versus a second for RSA-2048). No
 * openssl needed. Nothing here is fit for production: keys are unencrypted PEM in memory.
 */

/** A certificate and its private key, both PEM. */
export interface KeyPairPem {
  readonly cert: string;
  readonly key: string;
}

export interface ServerCertificateOptions {
  /** DNS names and IP addresses the broker is reached by (e.g. `localhost`, `127.0.0.1`). */
  readonly hosts: readonly string[];
}

// Long enough that generated fixtures never expire under a test run; TLS stacks accept it.
const VALIDITY_YEARS = 30;
// Backdated a day so a host clock slightly behind the generating one still accepts the cert.
const BACKDATE_MS = 24 * 60 * 60 * 1000;

function validity(): { notBeforeDate: Date; notAfterDate: Date } {
  const notBeforeDate = new Date(Date.now() - BACKDATE_MS);
  const notAfterDate = new Date(notBeforeDate);
  notAfterDate.setFullYear(notAfterDate.getFullYear() + VALIDITY_YEARS);
  return { notBeforeDate, notAfterDate };
}

const EC = { keyType: 'ec', curve: 'P-256', algorithm: 'sha256' } as const;

/** A self-signed CA that may sign leaf certificates (no intermediates). */
export async function createCertificateAuthority(commonName: string): Promise<KeyPairPem> {
  const pems = await generate([{ name: 'commonName', value: commonName }], {
    ...EC,
    ...validity(),
    extensions: [
      { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}

/** A broker certificate for `hosts` (DNS and IP SANs), signed by `ca`, for TLS server auth. */
export async function issueServerCertificate(
  ca: KeyPairPem,
  options: ServerCertificateOptions,
): Promise<KeyPairPem> {
  const [first] = options.hosts;
  if (first === undefined) throw new TypeError('issueServerCertificate needs at least one host');
  const altNames = options.hosts.map((host) =>
    isIP(host) === 0 ? { type: 2 as const, value: host } : { type: 7 as const, ip: host },
  );
  const pems = await generate([{ name: 'commonName', value: first }], {
    ...EC,
    ...validity(),
    ca: { cert: ca.cert, key: ca.key },
    extensions: [
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}

/**
 * A device certificate with subject CN `commonName` (AWS IoT uses the thing name), signed by `ca`,
 * for TLS client auth.
 */
export async function issueClientCertificate(ca: KeyPairPem, commonName: string): Promise<KeyPairPem> {
  const pems = await generate([{ name: 'commonName', value: commonName }], {
    ...EC,
    ...validity(),
    ca: { cert: ca.cert, key: ca.key },
    extensions: [
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, critical: true },
      { name: 'extKeyUsage', clientAuth: true },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}
