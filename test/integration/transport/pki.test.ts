import { X509Certificate } from 'node:crypto';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  createCertificateAuthority,
  issueClientCertificate,
  issueServerCertificate,
} from '../../../src/simulator/pki.js';
import { CERT_FILES, CERTS_DIR, testCerts } from '../../helpers/certs.js';

// The test PKI underpins every mutual-TLS test; these pin the properties those tests rely on.
describe('simulator PKI', () => {
  it('creates a CA certificate that may sign certificates', async () => {
    const ca = new X509Certificate((await createCertificateAuthority('Unit CA')).cert);
    expect(ca.ca).toBe(true);
    expect(ca.subject).toBe('CN=Unit CA');
    expect(ca.verify(ca.publicKey)).toBe(true);
  });

  it('issues a server certificate for its DNS names and IP addresses, signed by the CA', async () => {
    const ca = await createCertificateAuthority('Unit CA');
    const server = new X509Certificate(
      (await issueServerCertificate(ca, { hosts: ['broker.local', '127.0.0.1', '::1'] })).cert,
    );
    expect(server.checkHost('broker.local')).toBe('broker.local');
    expect(server.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(server.checkIP('::1')).toBe('::1');
    expect(server.checkHost('other.local')).toBeUndefined();
    expect(server.ca).toBe(false);
    expect(server.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']); // serverAuth
    expect(server.verify(new X509Certificate(ca.cert).publicKey)).toBe(true);
  });

  it('issues a client certificate with the given CN for client auth only', async () => {
    const ca = await createCertificateAuthority('Unit CA');
    const client = new X509Certificate((await issueClientCertificate(ca, 'thing-7')).cert);
    expect(client.subject).toBe('CN=thing-7');
    expect(client.keyUsage).toEqual(['1.3.6.1.5.5.7.3.2']); // clientAuth
    expect(client.verify(new X509Certificate(ca.cert).publicKey)).toBe(true);
  });

  it('issues EC P-256 keys valid for decades', async () => {
    const ca = await createCertificateAuthority('Unit CA');
    const cert = new X509Certificate(ca.cert);
    expect(cert.publicKey.asymmetricKeyDetails).toMatchObject({ namedCurve: 'prime256v1' });
    expect(new Date(cert.validTo).getFullYear()).toBeGreaterThanOrEqual(new Date().getFullYear() + 25);
  });

  it('rejects a server certificate request without hosts', async () => {
    const ca = await createCertificateAuthority('Unit CA');
    await expect(issueServerCertificate(ca, { hosts: [] })).rejects.toThrow(TypeError);
  });
});

describe('test certificate fixtures', () => {
  it('writes private keys readable by the owner only', () => {
    for (const name of CERT_FILES.filter((n) => n.endsWith('.key'))) {
      expect(statSync(join(CERTS_DIR, name)).mode & 0o777).toBe(0o600);
    }
  });

  it('issues the rogue device certificate from a CA other than the test CA', () => {
    const certs = testCerts();
    const rogue = new X509Certificate(certs.rogueDevice.cert);
    expect(rogue.verify(new X509Certificate(certs.ca.cert).publicKey)).toBe(false);
    expect(rogue.verify(new X509Certificate(certs.rogueCa.cert).publicKey)).toBe(true);
  });
});
