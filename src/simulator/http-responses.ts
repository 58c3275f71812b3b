import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Small helpers for the simulator's HTTP server: JSON bodies and restJson1-shaped AWS errors. */

/** Most bytes a request body may have (the admin API takes job documents; AWS caps those at 32 KB). */
export const MAX_BODY_BYTES = 256 * 1024;

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
    'x-amzn-RequestId': randomUUID(),
    ...headers,
  });
  res.end(text);
}

/**
 * An AWS restJson1 error: the type in the `x-amzn-ErrorType` header (what servers MUST send)
 * and in the body's `__type`, with the `message` member every IoT error shape has.
 */
export function sendAwsError(res: ServerResponse, status: number, type: string, message: string): void {
  sendJson(res, status, { __type: type, message }, { 'x-amzn-ErrorType': type });
}

/** Reads the whole body, refusing more than MAX_BODY_BYTES. */
export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new RangeError('request body too large');
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

/** True for connections from this machine (the admin API is not for the network). */
export function isLoopback(address: string | undefined): boolean {
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';
}
