import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.js';
import {
  describeConnectFailure,
  describeConnectTimeout,
  describeUnusableTlsMaterial,
  endpointFromUrl,
  type ConnectPhase,
} from '../../../src/transport/connect-failure.js';

/** An Error shaped like the ones Node, OpenSSL and MQTT.js report: a message and a `code`. */
function errorWithCode(message: string, code: string | number): Error {
  return Object.assign(new Error(message), { code });
}

function configErrorOf(url: string): ConfigError {
  try {
    endpointFromUrl(url);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`expected a ConfigError for ${url}`);
}

describe('endpointFromUrl', () => {
  it.each([
    ['mqtts://abc-ats.iot.eu-west-1.amazonaws.com', 'abc-ats.iot.eu-west-1.amazonaws.com', 8883],
    ['mqtts://abc-ats.iot.eu-west-1.amazonaws.com:443', 'abc-ats.iot.eu-west-1.amazonaws.com', 443],
    ['mqtts://127.0.0.1:18883', '127.0.0.1', 18883],
    ['mqtts://[::1]:8884', '::1', 8884],
    ['mqtts://[2001:db8::7]', '2001:db8::7', 8883],
    ['mqtts://broker.local:8883/ignored/path?x=1', 'broker.local', 8883],
  ])('reads %s as %s port %i', (url, host, port) => {
    expect(endpointFromUrl(url)).toStrictEqual({ host, port });
  });

  it.each([
    ['mqtt://broker.local', 'must use mqtts:// (mutual TLS), not mqtt://'],
    ['https://broker.local', 'must use mqtts:// (mutual TLS), not https://'],
    ['wss://broker.local/mqtt', 'must use mqtts:// (mutual TLS), not wss://'],
    ['broker.local:8883', 'must use mqtts:// (mutual TLS), not broker.local://'],
    ['not a url', 'is not a URL'],
    ['', 'is not a URL'],
    ['mqtts://broker.local:65536', 'is not a URL'],
  ])('refuses %j as mqtt.url: %s', (url, message) => {
    expect(configErrorOf(url).issues).toStrictEqual([{ path: 'mqtt.url', message }]);
  });

  it('keeps the URL parser error as the cause of "is not a URL"', () => {
    expect(configErrorOf('not a url').cause).toBeInstanceOf(TypeError);
  });
});

describe('describeConnectTimeout', () => {
  it.each<[ConnectPhase, string]>([
    ['tcp', 'timed out after 10000 ms waiting for the TCP connection'],
    ['tls', 'timed out after 10000 ms waiting for the TLS handshake'],
    ['mqtt', 'timed out after 10000 ms waiting for CONNACK'],
  ])('names the %s phase', (phase, message) => {
    expect(describeConnectTimeout(10_000, phase)).toBe(message);
  });
});

describe('describeConnectFailure', () => {
  describe('without an error (the connection just closed)', () => {
    it.each<[ConnectPhase, unknown, string]>([
      ['tcp', undefined, 'the connection closed during the TCP connection'],
      ['tls', undefined, 'the connection closed during the TLS handshake'],
      [
        'mqtt',
        undefined,
        'the broker closed the connection after the TLS handshake, before CONNACK (client certificate refused?)',
      ],
      ['tls', 'not an Error', 'the connection closed during the TLS handshake'],
    ])('in the %s phase (error %j) says %j', (phase, error, message) => {
      expect(describeConnectFailure(error, phase)).toBe(message);
    });
  });

  it.each([
    [
      5,
      'Connection refused: Not authorized',
      'CONNACK refused the connection: return code 5 (Connection refused: Not authorized)',
    ],
    [
      135,
      'Connection refused: Not authorized',
      'CONNACK refused the connection: return code 135 (Connection refused: Not authorized)',
    ],
  ])('reports CONNACK return code %i with the client message', (code, text, message) => {
    expect(describeConnectFailure(errorWithCode(text, code), 'mqtt')).toBe(message);
  });

  it.each([
    ['ECONNREFUSED', 'connection refused (ECONNREFUSED): nothing accepts connections at that host and port'],
    ['ENOTFOUND', 'host not found (ENOTFOUND)'],
    ['EAI_AGAIN', 'host not found (EAI_AGAIN)'],
    ['ETIMEDOUT', 'broker unreachable (ETIMEDOUT)'],
    ['EHOSTUNREACH', 'broker unreachable (EHOSTUNREACH)'],
    ['ENETUNREACH', 'broker unreachable (ENETUNREACH)'],
    [
      'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED',
      'the broker requires a client certificate and none was sent (ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED)',
    ],
  ])('classifies network and TLS code %s', (code, message) => {
    expect(describeConnectFailure(errorWithCode(`raw ${code} text`, code), 'tcp')).toBe(message);
  });

  it.each<[string, ConnectPhase, string]>([
    ['ECONNRESET', 'tcp', 'connection reset during the TCP connection (ECONNRESET)'],
    ['ECONNRESET', 'tls', 'connection reset during the TLS handshake (ECONNRESET)'],
    ['EPIPE', 'mqtt', 'connection reset during CONNACK (EPIPE)'],
  ])('names the phase of a %s in the %s phase', (code, phase, message) => {
    expect(describeConnectFailure(errorWithCode('socket hang up', code), phase)).toBe(message);
  });

  it.each([
    'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA',
    'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE',
    'ERR_SSL_SSLV3_ALERT_CERTIFICATE_UNKNOWN',
    'ERR_SSL_SSLV3_ALERT_CERTIFICATE_REVOKED',
    'ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED',
    'ERR_SSL_TLSV1_ALERT_ACCESS_DENIED',
    'ERR_SSL_TLSV1_ALERT_DECRYPT_ERROR',
  ])('reads alert %s as the client certificate refused', (code) => {
    expect(describeConnectFailure(errorWithCode('ssl alert', code), 'tls')).toBe(
      `the broker refused the client certificate (${code})`,
    );
  });

  it.each([
    'DEPTH_ZERO_SELF_SIGNED_CERT',
    'SELF_SIGNED_CERT_IN_CHAIN',
    'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
    'CERT_HAS_EXPIRED',
    'CERT_NOT_YET_VALID',
    'ERR_TLS_CERT_ALTNAME_INVALID',
  ])('reads %s as the broker certificate untrusted, keeping the detail', (code) => {
    expect(describeConnectFailure(errorWithCode('detail from node', code), 'tls')).toBe(
      `the broker's certificate is not trusted (${code}): detail from node`,
    );
  });

  it.each<[string, Error, string]>([
    ['without a code', new Error('something odd'), 'something odd'],
    ['with an unknown code', errorWithCode('something odd', 'ESOMETHING'), 'something odd (ESOMETHING)'],
    [
      'whose message already names its code',
      errorWithCode('write ESOMETHING failed', 'ESOMETHING'),
      'write ESOMETHING failed',
    ],
  ])('passes through an unclassified error %s', (_, error, message) => {
    expect(describeConnectFailure(error, 'mqtt')).toBe(message);
  });
});

describe('describeUnusableTlsMaterial', () => {
  it('says the key does not match the certificate', () => {
    const error = errorWithCode(
      'error:05800074:x509 certificate routines::key values mismatch',
      'ERR_OSSL_X509_KEY_VALUES_MISMATCH',
    );
    expect(describeUnusableTlsMaterial(error)).toBe(
      'the private key does not belong to the client certificate (ERR_OSSL_X509_KEY_VALUES_MISMATCH)',
    );
  });

  it.each<[string, unknown, string]>([
    [
      'an OpenSSL error with its code',
      errorWithCode('error:0480006C:PEM routines::no start line', 'ERR_OSSL_PEM_NO_START_LINE'),
      'the client certificate, private key, passphrase or CA could not be loaded (ERR_OSSL_PEM_NO_START_LINE): error:0480006C:PEM routines::no start line',
    ],
    [
      'an error without a code',
      new Error('bad decrypt'),
      'the client certificate, private key, passphrase or CA could not be loaded: bad decrypt',
    ],
    [
      'a thrown non-Error',
      'weird',
      'the client certificate, private key, passphrase or CA could not be loaded: weird',
    ],
  ])('describes %s', (_, error, message) => {
    expect(describeUnusableTlsMaterial(error)).toBe(message);
  });
});
