import { describeError } from '../errors.js';

/**
 * The pure half of connecting the AWS CRT transport, as connect-failure.ts is for MQTT.js:
 * turning the CRT's errors (an `error_name` such as `AWS_IO_SOCKET_CLOSED`, and promises that
 * often reject with bare strings) into messages a device operator can act on. Never includes key
 * material.
 */

/** What the CRT reports when the broker drops the handshake, as it does for a refused client certificate. */
const CLIENT_CERT_REFUSED = [
  'AWS_IO_SOCKET_CLOSED',
  'AWS_IO_TLS_ERROR_READ_FAILURE',
  'AWS_ERROR_MQTT_UNEXPECTED_HANGUP',
];

/** The CRT's error name (`AWS_IO_SOCKET_CLOSED`) and text; its promises often reject with bare strings. */
export function crtErrorText(error: unknown): string {
  const name = errorName(error);
  const text = describeError(error);
  return typeof name === 'string' && !text.includes(name) ? `${name}: ${text}` : text;
}

/** What went wrong while connecting, in words a device operator can act on. */
export function describeCrtConnectFailure(error: unknown): string {
  const name = errorName(error);
  const text = crtErrorText(error);
  switch (true) {
    case typeof name === 'string' && CLIENT_CERT_REFUSED.includes(name):
      return `the broker closed the connection during the TLS handshake (client certificate refused?) (${text})`;
    case name === 'AWS_IO_SOCKET_CONNECTION_REFUSED':
      return `connection refused: nothing accepts connections at that host and port (${text})`;
    case name === 'AWS_IO_DNS_INVALID_NAME' || name === 'AWS_IO_DNS_QUERY_FAILED':
      return `host not found (${text})`;
    case name === 'AWS_IO_SOCKET_TIMEOUT':
      return `broker unreachable (${text})`;
    case name === 'AWS_IO_TLS_ERROR_NEGOTIATION_FAILURE':
      return `TLS negotiation failed: the broker's certificate is not trusted, or no common TLS version (${text})`;
    default:
      return text;
  }
}

/** The CRT's builders throw synchronously on PEM material they cannot parse. */
export function describeCrtUnusableTlsMaterial(error: unknown): string {
  return `the client certificate, private key or CA could not be loaded by the CRT (${crtErrorText(error)})`;
}

function errorName(error: unknown): unknown {
  return (error as { error_name?: unknown } | undefined)?.error_name;
}
