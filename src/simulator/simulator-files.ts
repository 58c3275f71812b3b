import { randomBytes, X509Certificate } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join, resolve } from 'node:path';
import type { DeviceCertificatePaths } from './admin-api.js';
import {
  createCertificateAuthority,
  issueClientCertificate,
  issueServerCertificate,
  type KeyPairPem,
} from './pki.js';
import type { SimulatorCredentials } from './sigv4-verifier.js';

/**
 * The simulator's state folder: a local CA, the broker certificate, one device certificate per
 * thing and the SigV4 credentials, created on first run and reused afterwards. Directories are
 * 0700 and private keys 0600; nothing here is ever committed (`.state/` is git-ignored).
 *
 * ```
 * <stateDir>/ca.pem  ca.key  server.pem  server.key  credentials.json
 * <stateDir>/things/<thingName>/device.pem.crt  private.pem.key
 * ```
 */

export const DEFAULT_STATE_DIR = '.state/simulator';

export interface AuthorityFiles {
  readonly ca: KeyPairPem;
  readonly server: KeyPairPem;
  readonly caFile: string;
  /** True when this call created a new CA (first run, or an incomplete folder). */
  readonly created: boolean;
}

const PRIVATE = 0o600;
const PUBLIC = 0o644;

async function ensureDir(path: string): Promise<void> {
  await mkdir(path, { recursive: true, mode: 0o700 });
  await chmod(path, 0o700);
}

async function writeTextFile(path: string, text: string, mode: number): Promise<void> {
  await writeFile(path, text, { mode });
  await chmod(path, mode); // `mode` applies only when the file is created
}

async function readPair(certFile: string, keyFile: string): Promise<KeyPairPem | undefined> {
  try {
    return { cert: await readFile(certFile, 'utf8'), key: await readFile(keyFile, 'utf8') };
  } catch {
    return undefined;
  }
}

function issuedBy(pair: KeyPairPem, ca: KeyPairPem): boolean {
  try {
    return new X509Certificate(pair.cert).checkIssued(new X509Certificate(ca.cert));
  } catch {
    return false;
  }
}

function coversHosts(pair: KeyPairPem, hosts: readonly string[]): boolean {
  const cert = new X509Certificate(pair.cert);
  return hosts.every((host) => (isIP(host) === 0 ? cert.checkHost(host) : cert.checkIP(host)) !== undefined);
}

/** Loads the CA and broker certificate from `stateDir`, creating what is missing or stale. */
export async function ensureAuthority(stateDir: string, hosts: readonly string[]): Promise<AuthorityFiles> {
  const dir = resolve(stateDir);
  await ensureDir(dir);
  const caFile = join(dir, 'ca.pem');
  let ca = await readPair(caFile, join(dir, 'ca.key'));
  const created = ca === undefined;
  if (ca === undefined) {
    ca = await createCertificateAuthority('iot-jobs-agent simulator CA');
    await writeTextFile(join(dir, 'ca.key'), ca.key, PRIVATE);
    await writeTextFile(caFile, ca.cert, PUBLIC);
  }
  let server = await readPair(join(dir, 'server.pem'), join(dir, 'server.key'));
  if (server === undefined || !issuedBy(server, ca) || !coversHosts(server, hosts)) {
    server = await issueServerCertificate(ca, { hosts });
    await writeTextFile(join(dir, 'server.key'), server.key, PRIVATE);
    await writeTextFile(join(dir, 'server.pem'), server.cert, PUBLIC);
  }
  return { ca, server, caFile, created };
}

/** Where a thing's device certificate and key live (whether or not they exist yet). */
export function deviceCertificatePaths(stateDir: string, thingName: string): DeviceCertificatePaths {
  const dir = join(resolve(stateDir), 'things', thingName);
  return { certFile: join(dir, 'device.pem.crt'), keyFile: join(dir, 'private.pem.key') };
}

/** Reuses the thing's certificate when the current CA issued it, else issues a new one (CN = thing name). */
export async function ensureDeviceCertificate(
  stateDir: string,
  ca: KeyPairPem,
  thingName: string,
): Promise<DeviceCertificatePaths> {
  const paths = deviceCertificatePaths(stateDir, thingName);
  const existing = await readPair(paths.certFile, paths.keyFile);
  if (existing !== undefined && issuedBy(existing, ca)) return paths;
  await ensureDir(join(resolve(stateDir), 'things'));
  await ensureDir(join(resolve(stateDir), 'things', thingName));
  const device = await issueClientCertificate(ca, thingName);
  await writeTextFile(paths.keyFile, device.key, PRIVATE);
  await writeTextFile(paths.certFile, device.cert, PUBLIC);
  return paths;
}

const KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function randomKeyId(): string {
  const bytes = randomBytes(16);
  return `AKIASIM${[...bytes].map((b) => KEY_ALPHABET[b % KEY_ALPHABET.length] ?? 'A').join('')}`.slice(
    0,
    20,
  );
}

/** The SigV4 credentials the simulator accepts: created once (random) and kept in credentials.json. */
export async function ensureCredentials(stateDir: string): Promise<SimulatorCredentials> {
  const file = join(resolve(stateDir), 'credentials.json');
  try {
    const value: unknown = JSON.parse(await readFile(file, 'utf8'));
    if (typeof value === 'object' && value !== null) {
      const { accessKeyId, secretAccessKey } = value as Record<string, unknown>;
      if (typeof accessKeyId === 'string' && typeof secretAccessKey === 'string')
        return { accessKeyId, secretAccessKey };
    }
  } catch {
    // missing or unreadable: create new ones below
  }
  const credentials = { accessKeyId: randomKeyId(), secretAccessKey: randomBytes(30).toString('base64') };
  await ensureDir(resolve(stateDir));
  await writeTextFile(file, `${JSON.stringify(credentials, null, 2)}\n`, PRIVATE);
  return credentials;
}
