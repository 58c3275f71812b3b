/**
 * One reconcile client under test, in its own process (run with --expose-gc): lists every page
 * from the bench's list server once to warm up, then once measured, and reports CPU, wall time,
 * bytes allocated (freed by GCs during the run plus heap growth) and bytes held afterwards.
 *
 * - `agent`: JobsHttpClient.listAll (SigV4, node:http keep-alive, validated pages) + applyListing
 *   into a fresh ExecutionTable, as the agent's reconcile does (events aside).
 * - `aws-sdk`: @aws-sdk/client-iot ListJobExecutionsForThingCommand over every page, the results
 *   kept in an array (what a program built on the SDK would hold).
 */
import { GCProfiler } from 'node:v8';

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
// Warm-up (JIT, connection pool, lazy schemas) in a function of its own, so no register keeps its result.
await (async () => {
  await run();
})();
gc();
gc();
const heapBefore = process.memoryUsage().heapUsed;
const profiler = new GCProfiler();
profiler.start();
const cpu = process.cpuUsage();
const startedAt = performance.now();
const box: { held?: unknown } = {};
await (async () => {
  box.held = await run();
})();
const elapsedMs = performance.now() - startedAt;
const used = process.cpuUsage(cpu);
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
  cpuMicros: used.user + used.system,
  elapsedMs,
  allocatedBytes: freed + (heapEnd - heapBefore),
  heldBytes: heapHeld,
  count,
});
process.on('message', () => process.exit(0));
