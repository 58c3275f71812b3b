import { describe, expect, it } from 'vitest';
import { createSigV4Signer } from '../../../src/http/signer.js';

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret-key-value' };
const now = Date.parse('2026-01-15T08:30:00Z');
const url = new URL('https://iot.us-east-1.amazonaws.com/things/rpi%3Akitchen-01/jobs?maxResults=5');

describe('createSigV4Signer', () => {
  it('scopes the signature to service iot by default', async () => {
    const signed = await createSigV4Signer({ region: 'us-east-1' }).sign(
      { method: 'GET', url, headers: {} },
      credentials,
      now,
    );
    expect(signed['authorization']).toContain('Credential=AKIDEXAMPLE/20260115/us-east-1/iot/aws4_request');
  });

  it('stamps x-amz-date from the given time, not the system clock', async () => {
    const signed = await createSigV4Signer({ region: 'us-east-1' }).sign(
      { method: 'GET', url, headers: {} },
      credentials,
      now,
    );
    expect(signed['x-amz-date']).toBe('20260115T083000Z');
  });

  it('sends and signs the session token', async () => {
    const signed = await createSigV4Signer({ region: 'us-east-1' }).sign(
      { method: 'GET', url, headers: {} },
      { ...credentials, sessionToken: 'the-token' },
      now,
    );
    expect(signed['x-amz-security-token']).toBe('the-token');
    expect(signed['authorization']).toContain('SignedHeaders=host;x-amz-date;x-amz-security-token,');
  });

  it('adds no x-amz-content-sha256 header', async () => {
    const signed = await createSigV4Signer({ region: 'us-east-1' }).sign(
      { method: 'GET', url, headers: {} },
      credentials,
      now,
    );
    expect(Object.keys(signed).sort()).toEqual(['authorization', 'x-amz-date']);
  });

  it('signs and returns caller headers in lower case, without host', async () => {
    const signed = await createSigV4Signer({ region: 'us-east-1' }).sign(
      { method: 'GET', url, headers: { Accept: 'application/json' } },
      credentials,
      now,
    );
    expect(signed['accept']).toBe('application/json');
    expect(signed['host']).toBeUndefined();
    expect(signed['authorization']).toContain('SignedHeaders=accept;host;x-amz-date,');
  });

  it('changes the signature when the region changes', async () => {
    const request = { method: 'GET', url, headers: {} };
    const a = await createSigV4Signer({ region: 'us-east-1' }).sign(request, credentials, now);
    const b = await createSigV4Signer({ region: 'eu-west-1' }).sign(request, credentials, now);
    expect(a['authorization']).not.toBe(b['authorization']);
  });
});
