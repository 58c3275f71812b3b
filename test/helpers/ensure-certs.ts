import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import {
  createCertificateAuthority,
  issueClientCertificate,
  issueServerCertificate,
} from '../../src/simulator/pki.js';
import { CERT_FILES, CERTS_DIR, TEST_THING_NAME, type CertFileName } from './certs.js';

/**
 * vitest globalSetup: makes sure test/fixtures/certs/ holds the whole test PKI. No key material is
 * committed; the set is generated in-process (EC P-256, ~150 ms) the first time it is missing.
 *
 * Several vitest projects, or several vitest processes, may run this at once. Each builds the set
 * in its own temp directory and renames it into place: a directory rename is atomic, so readers
 * see either no directory or a complete one, and a loser of the race just drops its copy.
 */
export default async function ensureCerts(): Promise<void> {
  const dir = CERTS_DIR.replace(/\/$/, '');
  if (isComplete(dir)) return;
  if (existsSync(dir)) {
    // An incomplete set (hand-edited, or left by an older layout): move it aside, never mix.
    const stale = `${dir}.stale-${suffix()}`;
    await rename(dir, stale).catch(ignoreRaceLoss);
    await rm(stale, { recursive: true, force: true });
  }
  const tmp = `${dir}.tmp-${suffix()}`;
  await mkdir(dirname(dir), { recursive: true });
  await mkdir(tmp, { mode: 0o700 });
  try {
    const files = await generateFiles();
    for (const name of CERT_FILES) {
      await writeFile(join(tmp, name), files[name], { mode: name.endsWith('.key') ? 0o600 : 0o644 });
    }
    await rename(tmp, dir).catch(ignoreRaceLoss);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  if (!isComplete(dir)) throw new Error(`test certificates missing in ${dir} after generation`);
}

async function generateFiles(): Promise<Record<CertFileName, string>> {
  const ca = await createCertificateAuthority('iot-jobs-agent test CA');
  const rogueCa = await createCertificateAuthority('iot-jobs-agent rogue CA');
  const [server, device, rogueDevice] = await Promise.all([
    issueServerCertificate(ca, { hosts: ['localhost', '127.0.0.1'] }),
    issueClientCertificate(ca, TEST_THING_NAME),
    issueClientCertificate(rogueCa, TEST_THING_NAME),
  ]);
  return {
    'ca.pem': ca.cert,
    'ca.key': ca.key,
    'server.pem': server.cert,
    'server.key': server.key,
    'device.pem': device.cert,
    'device.key': device.key,
    'rogue-ca.pem': rogueCa.cert,
    'rogue-ca.key': rogueCa.key,
    'rogue-device.pem': rogueDevice.cert,
    'rogue-device.key': rogueDevice.key,
  };
}

function isComplete(dir: string): boolean {
  return CERT_FILES.every((name) => existsSync(join(dir, name)));
}

function suffix(): string {
  return `${process.pid}-${randomBytes(4).toString('hex')}`;
}

/** Another process renamed first (ENOTEMPTY/EEXIST) or already moved the stale set (ENOENT). */
function ignoreRaceLoss(error: unknown): void {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'ENOENT') return;
  throw error;
}
