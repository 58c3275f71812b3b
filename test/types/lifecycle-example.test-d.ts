/**
 * The download handler of docs/lifecycle.md, type-checked here so the documented example keeps
 * compiling against the real API. Keep the two in sync.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm, stat, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream } from 'node:stream/web';
import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import type { JobsAgent } from '../../src/index.js';

// --- docs/lifecycle.md example starts here ---
const FIRMWARE_DIR = '/var/lib/firmware';
const CHECKPOINT_EVERY_BYTES = 1024 * 1024;

const DownloadJob = z.object({
  operation: z.literal('download'),
  url: z.url({ protocol: /^https$/ }),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits'),
  fileName: z.string().regex(/^[\w.-]{1,100}$/, 'must be a plain file name'),
});

export function handleDownloads(agent: JobsAgent): void {
  agent.handle(
    'download',
    async ({ document, signal, progress, resuming, checkpoint, saveCheckpoint }) => {
      const target = join(FIRMWARE_DIR, document.fileName);
      const partial = `${target}.part`;

      // Resuming after a restart: keep the bytes already on disk, up to the last checkpoint.
      const onDisk = (await stat(partial).catch(() => undefined))?.size ?? 0;
      const offset = resuming && typeof checkpoint === 'number' ? Math.min(checkpoint, onDisk) : 0;
      if (offset > 0) await truncate(partial, offset);
      else await rm(partial, { force: true });

      const response = await fetch(document.url, {
        signal, // aborted on cancellation, step timeout or agent stop
        headers: offset > 0 ? { range: `bytes=${String(offset)}-` } : {},
      });
      if (!response.ok || !response.body) throw new Error(`download failed: HTTP ${String(response.status)}`);
      let written = response.status === 206 ? offset : 0; // 200: the server ignored the range
      const total = written + Number(response.headers.get('content-length') ?? 0);
      let checkpointed = written;

      await pipeline(
        Readable.fromWeb(response.body as ReadableStream<Uint8Array>),
        async function* (chunks: AsyncIterable<Buffer>) {
          for await (const chunk of chunks) {
            yield chunk;
            written += chunk.length;
            // Coalesced by the agent: at most one update in flight, latest wins.
            progress({ bytes: String(written), total: String(total) });
            if (written - checkpointed >= CHECKPOINT_EVERY_BYTES) {
              checkpointed = written;
              await saveCheckpoint(written); // durable (atomic write, 0600) when it resolves
            }
          }
        },
        createWriteStream(partial, { flags: written > 0 ? 'a' : 'w' }),
        { signal },
      );

      const hash = createHash('sha256');
      for await (const chunk of createReadStream(partial)) hash.update(chunk as Buffer);
      const actual = hash.digest('hex');
      if (actual !== document.sha256) {
        await rm(partial, { force: true });
        return { status: 'FAILED', statusDetails: { reason: 'checksum mismatch', sha256: actual } };
      }
      await rename(partial, target);
      return { statusDetails: { file: target, sha256: actual, bytes: String(written) } };
    },
    { schema: DownloadJob, stepTimeoutInMinutes: 30, resumable: true },
  );
}
// --- docs/lifecycle.md example ends here ---

describe('the documented download handler', () => {
  it('compiles against the public API', () => {
    expectTypeOf(handleDownloads).parameter(0).toEqualTypeOf<JobsAgent>();
  });
});
