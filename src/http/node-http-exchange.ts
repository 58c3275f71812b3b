import { Agent as HttpAgent, type IncomingHttpHeaders, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { HeaderReader, HttpExchange, HttpRequest, HttpAnswer } from './http-exchange.js';

/**
 * The default exchange: node:http(s) with a keep-alive agent of its own, so the pages of one
 * listing (and the next reconcile, while the server keeps the connection) share one connection
 * and one TLS handshake. This is what @aws-sdk clients do; fetch (undici) costs several times
 * the CPU per request for the same bytes, which dominated a reconcile of a few pages.
 *
 * TLS is verified as node:https always does (system CAs, hostname check); nothing here loosens
 * it. Idle pooled sockets are unref'd by node, so they never keep a process alive.
 */
export function createNodeHttpExchange(): HttpExchange {
  const httpAgent = new HttpAgent({ keepAlive: true });
  const httpsAgent = new HttpsAgent({ keepAlive: true });
  return (request) =>
    request.url.protocol === 'https:'
      ? send(request, httpsRequest, httpsAgent)
      : send(request, httpRequest, httpAgent);
}

function send(request: HttpRequest, open: typeof httpRequest, agent: HttpAgent): Promise<HttpAnswer> {
  const { method, url, signal } = request;
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(abortReason(signal));
      return;
    }
    let settled = false;
    const settle = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      outcome();
    };
    const fail = (error: Error): void => {
      settle(() => {
        reject(error);
      });
    };
    // `host` exactly as signed (node would derive the same, but the signature is over this one).
    const headers = { ...request.headers, host: url.host };
    const outgoing = open(url, { method, headers, agent }, (answer) => {
      const chunks: Buffer[] = [];
      answer.on('data', (chunk: Buffer) => chunks.push(chunk));
      // A connection lost mid-body is an 'error' (ECONNRESET "aborted"), never an 'end'.
      answer.on('error', fail);
      answer.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        settle(() => {
          resolve({ status: answer.statusCode ?? 0, headers: headerReader(answer.headers), body });
        });
      });
    });
    const onAbort = (): void => {
      const reason = abortReason(signal);
      outgoing.destroy(reason);
      fail(reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    outgoing.on('error', fail);
    outgoing.end();
  });
}

function abortReason(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error('aborted');
}

/** node lower-cases header names and joins repeated ones with ', ' (as Headers.get does). */
function headerReader(headers: IncomingHttpHeaders): HeaderReader {
  return {
    get(name) {
      const value = headers[name.toLowerCase()];
      if (value === undefined) return null;
      return Array.isArray(value) ? value.join(', ') : value;
    },
  };
}
