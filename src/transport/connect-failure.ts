import { ConfigError, describeError } from '../errors.js';

/**
 * The pure half of connecting the MQTT.js transport: reading the endpoint out of the URL, and
 * turning what Node, OpenSSL or MQTT.js report into a ConnectError message a device operator can
 * act on. No I/O here, so every message is pinned down by table tests.
 */

/** How far a connect attempt got: the TCP connection, the TLS handshake, or CONNACK. */
export type ConnectPhase = 'tcp' | 'tls' | 'mqtt';

export interface MqttsEndpoint {
  /** Host name or IP address; an IPv6 address comes without its brackets. */
  readonly host: string;
  readonly port: number;
}

/** The AWS IoT port for MQTT over mutual TLS. */
const DEFAULT_MQTTS_PORT = 8883;

const PHASE_WAIT = {
  tcp: 'waiting for the TCP connection',
  tls: 'waiting for the TLS handshake',
  mqtt: 'waiting for CONNACK',
} as const satisfies Record<ConnectPhase, string>;

const CLIENT_CERT_REFUSED = new Set([
  'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA',
  'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE',
  'ERR_SSL_SSLV3_ALERT_CERTIFICATE_UNKNOWN',
  'ERR_SSL_SSLV3_ALERT_CERTIFICATE_REVOKED',
  'ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED',
  'ERR_SSL_TLSV1_ALERT_ACCESS_DENIED',
  'ERR_SSL_TLSV1_ALERT_DECRYPT_ERROR',
]);
const SERVER_CERT_UNTRUSTED = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/**
 * Host and port of an `mqtts://host[:port]` URL; the port defaults to 8883.
 * @throws ConfigError (field `mqtt.url`) when it is not a URL or not `mqtts:`
 */
export function endpointFromUrl(url: string): MqttsEndpoint {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (error) {
    throw ConfigError.forField('mqtt.url', 'is not a URL', { cause: error });
  }
  if (parsed.protocol !== 'mqtts:') {
    throw ConfigError.forField('mqtt.url', `must use mqtts:// (mutual TLS), not ${parsed.protocol}//`);
  }
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  return { host, port: parsed.port === '' ? DEFAULT_MQTTS_PORT : Number(parsed.port) };
}

/** The attempt ran out of time; says which step never completed. */
export function describeConnectTimeout(timeoutMs: number, phase: ConnectPhase): string {
  return `timed out after ${timeoutMs} ms ${PHASE_WAIT[phase]}`;
}

/**
 * The certificate, key, CA or passphrase could not be loaded: Node's TLS context creation throws
 * synchronously on such material. OpenSSL never echoes the PEM, so the message is safe to log.
 */
export function describeUnusableTlsMaterial(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (code === 'ERR_OSSL_X509_KEY_VALUES_MISMATCH') {
    return 'the private key does not belong to the client certificate (ERR_OSSL_X509_KEY_VALUES_MISMATCH)';
  }
  const tag = typeof code === 'string' ? ` (${code})` : '';
  return `the client certificate, private key, passphrase or CA could not be loaded${tag}: ${describeError(error)}`;
}

/**
 * What went wrong, in words a device operator can act on. Never includes key material.
 * `error` is the last error the client reported, or `undefined` when the connection just closed.
 */
export function describeConnectFailure(error: unknown, phase: ConnectPhase): string {
  if (!(error instanceof Error)) {
    return phase === 'mqtt'
      ? 'the broker closed the connection after the TLS handshake, before CONNACK (client certificate refused?)'
      : `the connection closed ${PHASE_WAIT[phase].replace('waiting for', 'during')}`;
  }
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'number')
    return `CONNACK refused the connection: return code ${code} (${error.message})`;
  const tag = typeof code === 'string' ? ` (${code})` : '';
  switch (true) {
    case code === 'ECONNREFUSED':
      return `connection refused${tag}: nothing accepts connections at that host and port`;
    case code === 'ENOTFOUND' || code === 'EAI_AGAIN':
      return `host not found${tag}`;
    case code === 'ETIMEDOUT' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH':
      return `broker unreachable${tag}`;
    case code === 'ECONNRESET' || code === 'EPIPE':
      return `connection reset ${PHASE_WAIT[phase].replace('waiting for', 'during')}${tag}`;
    case code === 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED':
      return `the broker requires a client certificate and none was sent${tag}`;
    case typeof code === 'string' && CLIENT_CERT_REFUSED.has(code):
      return `the broker refused the client certificate${tag}`;
    case typeof code === 'string' && SERVER_CERT_UNTRUSTED.has(code):
      return `the broker's certificate is not trusted${tag}: ${error.message}`;
    default:
      return `${error.message}${tag && !error.message.includes(String(code)) ? tag : ''}`;
  }
}
