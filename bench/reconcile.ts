/**
 * Reconcile cost: the agent's listing + merge against @aws-sdk/client-iot listing the same pages
 * from the same local server (a separate process), 1,000 and 10,000 executions at 250 a page.
 *
 * `npm run bench` runs it after the notification bench. To run this part alone (no broker, no
 * results file): `node --import tsx bench/reconcile.ts [--reps 5]`.
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Child, buildChildren } from './lib/children.js';
import { median, ratio, round } from './lib/stats.js';

export type ReconcileClient = 'agent' | 'aws-sdk';

export interface ReconcileRow {
  readonly client: ReconcileClient;
  readonly executions: number;
  readonly runs: number;
  readonly cpuMs: number;
  readonly elapsedMs: number;
  readonly allocatedBytes: number;
  /** Heap still reachable after the run (the table, or the SDK's result array), per execution. */
  readonly heldBytesPerExecution: number;
  readonly failures: readonly string[];
}

interface Done {
  readonly type: 'done';
  readonly cpuMicros: number;
  readonly elapsedMs: number;
  readonly allocatedBytes: number;
  readonly heldBytes: number;
  readonly count: number;
}

export async function runReconcileBench(
  settings: { reps: number; sizes: readonly number[]; pageSize: number; receiverCpu?: number | undefined },
  log: (line: string) => void,
): Promise<ReconcileRow[]> {
  const rows: ReconcileRow[] = [];
  for (const total of settings.sizes) {
    const server = new Child<{ type: 'listening'; port: number }>('bench/children/list-server.js', [
      JSON.stringify({ total, pageSize: settings.pageSize }),
    ]);
    const { port } = await server.next('listening', 15_000);
    const results = new Map<ReconcileClient, Done[]>([
      ['agent', []],
      ['aws-sdk', []],
    ]);
    const failures = new Map<ReconcileClient, string[]>([
      ['agent', []],
      ['aws-sdk', []],
    ]);
    try {
      for (let rep = 1; rep <= settings.reps; rep++) {
        for (const client of ['agent', 'aws-sdk'] as const) {
          const child = new Child<Done>(
            'bench/children/reconcile-client.js',
            [JSON.stringify({ kind: client, port, pageSize: settings.pageSize })],
            ['--expose-gc'],
            settings.receiverCpu,
          );
          try {
            const done = await child.next('done', 120_000);
            if (done.count !== total) throw new Error(`listed ${done.count} of ${total}`);
            results.get(client)?.push(done);
            log(
              `  rep ${rep} ${client.padEnd(8)} ${String(total).padStart(6)}: ${(done.cpuMicros / 1000).toFixed(1)} ms CPU, ` +
                `${(done.allocatedBytes / 2 ** 20).toFixed(1)} MiB allocated, ${Math.round(done.heldBytes / total)} B held/execution`,
            );
          } catch (error) {
            failures.get(client)?.push(error instanceof Error ? error.message : String(error));
          } finally {
            await child.stop();
          }
        }
      }
    } finally {
      await server.stop();
    }
    for (const client of ['agent', 'aws-sdk'] as const) {
      const done = results.get(client) ?? [];
      rows.push({
        client,
        executions: total,
        runs: done.length,
        cpuMs: median(done.map((d) => d.cpuMicros / 1000)),
        elapsedMs: median(done.map((d) => d.elapsedMs)),
        allocatedBytes: median(done.map((d) => d.allocatedBytes)),
        heldBytesPerExecution: median(done.map((d) => d.heldBytes / total)),
        failures: failures.get(client) ?? [],
      });
    }
  }
  return rows;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { reps: { type: 'string', default: '5' } } });
  const log = (line: string): void => {
    process.stderr.write(`${line}\n`);
  };
  buildChildren();
  const rows = await runReconcileBench(
    { reps: Number(values.reps), sizes: [1_000, 10_000], pageSize: 250 },
    log,
  );
  for (const row of rows.filter((r) => r.client === 'agent')) {
    const sdk = rows.find((r) => r.client === 'aws-sdk' && r.executions === row.executions);
    process.stdout.write(
      `${row.executions} executions: agent ${round(row.cpuMs)} ms CPU, SDK ${round(sdk?.cpuMs ?? Number.NaN)} ms ` +
        `(${ratio(row.cpuMs, sdk?.cpuMs ?? Number.NaN)}x), ${Math.round(row.heldBytesPerExecution)} B held/execution; ` +
        `medians of ${row.runs}\n`,
    );
  }
}
