/**
 * One reconcile client under test, in its own process (run with --expose-gc): lists every page
 * from the bench's list server 3 times to warm up, then 5 times timed, and reports the median CPU
 * and wall time of a listing, and of the last one the bytes allocated (freed by GCs during it plus
 * heap growth) and the bytes held afterwards. A single listing of 1,000 is about 20 ms of CPU, too
 * short to read alone on a shared machine.
 *
 * - `agent`: JobsHttpClient.listAll (SigV4, node:http keep-alive, validated pages) + applyListing
 *   into a fresh ExecutionTable, as the agent's reconcile does (events aside).
 * - `aws-sdk`: @aws-sdk/client-iot ListJobExecutionsForThingCommand over every page, the results
 *   kept in an array (what a program built on the SDK would hold).
 */
import { GCProfiler } from 'node:v8';
import { median } from '../lib/stats.js';

const { kind, port, pageSize } = JSON.parse(process.argv[2] ?? '{}') as {
  kind: 'agent' | 'aws-sdk';
  port: number;
  pageSize: number;
};
const endpoint = `http://127.0.0.1:${port}`;
const credentials = { accessKeyId: 'AKIDBENCH', secretAccessKey: 'bench-secret-access-key' };
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

type Run = () => Promise<unknown>;

async function agentRun(): Promise<Run> {
  const { JobsHttpClient } = await import('../../src/http/jobs-http-client.js');
  const { staticCredentials } = await import('../../src/http/basic-credentials.js');
  const { ExecutionTable } = await import('../../src/cache/execution-table.js');
  const { applyListing } = await import('../../src/reconcile/diff.js');
  const client = new JobsHttpClient({
    endpoint,
    region: 'us-east-1',
    thingName: 'bench-thing',
    credentials: staticCredentials(credentials),
  });
  return async () => {
    const table = new ExecutionTable();
    const listing = await client.listAll({ maxResults: pageSize });
    applyListing(table, listing, Date.now(), Date.now());
    return table;
  };
}

async function sdkRun(): Promise<Run> {
  const { IoTClient, ListJobExecutionsForThingCommand } = await import('@aws-sdk/client-iot');
  const client = new IoTClient({ endpoint, region: 'us-east-1', credentials });
  return async () => {
    const all: unknown[] = [];
    let nextToken: string | undefined;
    do {
      const page = await client.send(
        new ListJobExecutionsForThingCommand({ thingName: 'bench-thing', maxResults: pageSize, nextToken }),
      );
      all.push(...(page.executionSummaries ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
    return all;
  };
}

const run = kind === 'agent' ? await agentRun() : await sdkRun();
/** Listings before any is measured (JIT, connection pool, lazy schemas), then listings timed. */
const WARM_UPS = 3;
const TIMED = 5;
// In functions of their own, so no register keeps a listing alive into the held-heap figure.
for (let i = 0; i < WARM_UPS; i++) {
  await (async () => {
    await run();
  })();
}
const cpuSamples: number[] = [];
const wallSamples: number[] = [];
async function timed(keep: (result: unknown) => void): Promise<void> {
  const cpu = process.cpuUsage();
  const startedAt = performance.now();
  keep(await run());
  wallSamples.push(performance.now() - startedAt);
  const used = process.cpuUsage(cpu);
  cpuSamples.push(used.user + used.system);
}
for (let i = 0; i < TIMED - 1; i++) await timed(() => undefined);
// The last timed listing also gives what it allocated and what stays held afterwards.
gc();
gc();
const heapBefore = process.memoryUsage().heapUsed;
const profiler = new GCProfiler();
profiler.start();
const box: { held?: unknown } = {};
await timed((result) => {
  box.held = result;
});
const gcStats = profiler.stop();
const heapEnd = process.memoryUsage().heapUsed;
let freed = 0;
for (const entry of gcStats.statistics) {
  freed += Math.max(
    0,
    entry.beforeGC.heapStatistics.usedHeapSize - entry.afterGC.heapStatistics.usedHeapSize,
  );
}
const count = Array.isArray(box.held) ? box.held.length : (box.held as { size: number }).size;
gc();
gc();
const heapHeld = process.memoryUsage().heapUsed - heapBefore;
process.send?.({
  type: 'done',
  cpuMicros: median(cpuSamples),
  elapsedMs: median(wallSamples),
  allocatedBytes: freed + (heapEnd - heapBefore),
  heldBytes: heapHeld,
  count,
});
process.on('message', () => process.exit(0));
