import { describe, expect, it } from 'vitest';
import {
  crtErrorText,
  describeCrtConnectFailure,
  describeCrtUnusableTlsMaterial,
} from '../../../src/transport/crt-failure.js';

/** An Error shaped like the CRT's: a message and an `error_name`. */
function crtError(name: string, message = 'libaws-c-io failure'): Error {
  return Object.assign(new Error(message), { error_name: name });
}

describe('crtErrorText', () => {
  it('puts the error name before a text that lacks it', () => {
    expect(crtErrorText(crtError('AWS_IO_SOCKET_CLOSED', 'socket is closed'))).toBe(
      'AWS_IO_SOCKET_CLOSED: socket is closed',
    );
  });

  it('does not repeat a name the text already holds', () => {
    expect(crtErrorText(crtError('AWS_IO_SOCKET_CLOSED', 'AWS_IO_SOCKET_CLOSED: closed'))).toBe(
      'AWS_IO_SOCKET_CLOSED: closed',
    );
  });

  it('takes a bare string as the text', () => {
    expect(crtErrorText('connection failed')).toBe('connection failed');
  });
});

describe('describeCrtConnectFailure', () => {
  it.each([
    ['AWS_IO_SOCKET_CLOSED', 'client certificate refused?'],
    ['AWS_IO_TLS_ERROR_READ_FAILURE', 'client certificate refused?'],
    ['AWS_ERROR_MQTT_UNEXPECTED_HANGUP', 'client certificate refused?'],
    ['AWS_IO_SOCKET_CONNECTION_REFUSED', 'connection refused'],
    ['AWS_IO_DNS_INVALID_NAME', 'host not found'],
    ['AWS_IO_DNS_QUERY_FAILED', 'host not found'],
    ['AWS_IO_SOCKET_TIMEOUT', 'broker unreachable'],
    ['AWS_IO_TLS_ERROR_NEGOTIATION_FAILURE', "the broker's certificate is not trusted"],
  ])('explains %s', (name, words) => {
    const message = describeCrtConnectFailure(crtError(name));
    expect(message).toContain(words);
    expect(message).toContain(name);
  });

  it('passes an unknown error through as its text', () => {
    expect(describeCrtConnectFailure(crtError('AWS_ERROR_UNKNOWN', 'odd'))).toBe('AWS_ERROR_UNKNOWN: odd');
  });
});

describe('describeCrtUnusableTlsMaterial', () => {
  it('says which material could not be loaded, with the CRT error', () => {
    expect(describeCrtUnusableTlsMaterial(crtError('AWS_IO_FILE_VALIDATION_FAILURE', 'bad pem'))).toBe(
      'the client certificate, private key or CA could not be loaded by the CRT ' +
        '(AWS_IO_FILE_VALIDATION_FAILURE: bad pem)',
    );
  });
});
