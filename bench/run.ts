/**
 * `npm run bench`: every figure measured in this run against baselines that run beside it,
 * medians of 3 (CPU ratios: medians of pairs measured round by round, see notifications.ts).
 * Prints Markdown tables with ratios and the goals, and writes
 * bench/results/latest.json.
 *
 *   npm run bench [-- --reps 3] [-- --quick]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { arch, cpus, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import ensureCerts from '../test/helpers/ensure-certs.js';
import type { SubjectKind } from './children/wire.js';
import { startBenchBroker } from './lib/broker.js';
import { buildChildren, pinToCpu, ROOT } from './lib/children.js';
import { ratio, round } from './lib/stats.js';
import {
  pairedCpuRatio,
  runNotificationBench,
  type NotificationRow,
  type SubjectRun,
} from './notifications.js';
import { runReconcileBench, type ReconcileRow } from './reconcile.js';

const { values } = parseArgs({
  options: {
    reps: { type: 'string', default: '3' },
    quick: { type: 'boolean', default: false },
    kinds: { type: 'string' },
    out: { type: 'string', default: join(ROOT, 'bench', 'results', 'latest.json') },
  },
});
const reps = Number(values.reps);
const quick = values.quick;
const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

const ALL_KINDS: readonly SubjectKind[] = [
  'raw',
  'raw-zod',
  'agent',
  'sdk-v2',
  'agent-crt',
  'sdk-v2-client-v2',
  'sdk-v1',
];
const LABELS: Record<SubjectKind, string> = {
  raw: 'MQTT.js + JSON.parse (floor)',
  'raw-zod': 'MQTT.js + JSON.parse + naive zod',
  agent: 'JobsAgent over MQTT.js',
  'sdk-v2': 'SDK v2 IotJobsClient (CRT, MQTT 3.1.1)',
  'agent-crt': 'JobsAgent over CRT (MQTT 3.1.1)',
  'sdk-v2-client-v2': 'SDK v2 IotJobsClientv2 (CRT, MQTT 5)',
  'sdk-v1': 'SDK v1 jobs module (MQTT.js 4)',
};

// Each receiver gets a CPU of its own: the orchestrator is pinned to CPU 0, so the broker and the
// publisher it starts run there too, and every receiver is pinned to the last CPU. On a machine this
// small, a receiver sharing its CPU with the publisher or the broker moved by ±25% between reps.
const receiverCpu = cpus().length >= 2 && pinToCpu(process.pid, 0) ? cpus().length - 1 : undefined;
log(
  receiverCpu === undefined
    ? 'receivers are not pinned to a CPU (one CPU, or no taskset)'
    : `receivers run alone on CPU ${receiverCpu}; the broker and the publisher on CPU 0`,
);
await ensureCerts();
log('building src/ and bench/children/ to plain JavaScript…');
buildChildren();
const broker = await startBenchBroker();
const kinds =
  (values.kinds?.split(',') as SubjectKind[] | undefined) ??
  ALL_KINDS.filter((kind) => broker.kind === 'mosquitto' || kind !== 'sdk-v2-client-v2');
log(`broker: ${broker.kind} (mutual TLS) on port ${broker.port}; subjects: ${kinds.join(', ')}`);

let notifications: NotificationRow[];
let subjectRuns: SubjectRun[];
try {
  ({ rows: notifications, runs: subjectRuns } = await runNotificationBench(
    broker,
    {
      reps,
      kinds,
      floodCount: quick ? { next: 3_000, notify: 2_000 } : { next: 20_000, notify: 10_000 },
      rounds: quick ? 2 : 5,
      // V8 needs thousands of messages to settle: with 2,000 the first round still ran at 2x.
      warmup: quick ? 1_500 : 6_000,
      pacedCount: quick ? 500 : 2_000,
      pacedRate: 1_000,
      idleMs: quick ? 500 : 2_000,
      receiverCpu,
    },
    log,
  ));
} finally {
  await broker.close();
}
log('reconcile…');
const reconcile = await runReconcileBench({ reps, sizes: [1_000, 10_000], pageSize: 250, receiverCpu }, log);

const row = (kind: SubjectKind, workload: 'next' | 'notify'): NotificationRow | undefined =>
  notifications.find((r) => r.kind === kind && r.workload === workload);
const lines: string[] = [];
const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Linux ${release()} ${arch()}, Node ${process.version}`;
lines.push(
  `Run ${new Date().toISOString()} on ${machine}; broker ${broker.kind} over mutual TLS; medians of ${reps}; ` +
    `CPU ratios are medians of per-round pairs (the receivers take turns, ${quick ? 2 : 5} rounds a rep); ` +
    (receiverCpu === undefined ? 'receivers not pinned.' : `each receiver alone on CPU ${receiverCpu}.`),
  '',
);

for (const workload of ['next', 'notify'] as const) {
  const floor = row('raw', workload);
  lines.push(
    `### ${workload === 'next' ? 'notify-next' : '15-entry notify'}`,
    '',
    '| receiver | CPU/msg | vs floor | throughput vs floor | p50 latency | p99 latency | p99 − floor p99 | lost |',
    '|---|---|---|---|---|---|---|---|',
  );
  for (const kind of kinds) {
    const r = row(kind, workload);
    if (!r || !floor) continue;
    const failed = r.runs === 0 ? ` (failed: ${r.failures[0]?.slice(0, 80) ?? ''})` : '';
    lines.push(
      `| ${LABELS[kind]}${failed} | ${round(r.cpuMicrosPerMessage)} µs | ${round(r.cpuVsFloor, 2)}x | ` +
        `${ratio(r.messagesPerSecond, floor.messagesPerSecond)}x | ${round(r.p50Ms, 2)} ms | ${round(r.p99Ms, 2)} ms | ` +
        `${round(r.p99Ms - floor.p99Ms, 2)} ms | ${r.lost} |`,
    );
  }
  lines.push('');
}

lines.push(
  '### Cold start and idle memory',
  '',
  '| receiver | import | to subscribed | vs floor | idle RSS | vs floor |',
  '|---|---|---|---|---|---|',
);
const floorNext = row('raw', 'next');
for (const kind of kinds) {
  const r = row(kind, 'next');
  if (!r || !floorNext) continue;
  lines.push(
    `| ${LABELS[kind]} | ${Math.round(r.importMs)} ms | ${Math.round(r.readyAtMs)} ms | ${ratio(r.readyAtMs, floorNext.readyAtMs)}x | ` +
      `${round(r.idleRssBytes / 2 ** 20)} MiB | ${ratio(r.idleRssBytes, floorNext.idleRssBytes)}x |`,
  );
}
lines.push('');

lines.push(
  '### Reconcile (250 a page, local server in its own process)',
  '',
  '| client | executions | CPU | vs SDK | wall | allocated | held per execution |',
  '|---|---|---|---|---|---|---|',
);
const sdk = (n: number): ReconcileRow | undefined =>
  reconcile.find((r) => r.client === 'aws-sdk' && r.executions === n);
for (const r of reconcile) {
  const base = sdk(r.executions);
  lines.push(
    `| ${r.client === 'agent' ? 'JobsHttpClient + applyListing (agent)' : '@aws-sdk/client-iot'} | ${r.executions} | ${round(r.cpuMs)} ms | ` +
      `${base ? ratio(r.cpuMs, base.cpuMs) : '–'}x | ${round(r.elapsedMs)} ms | ${round(r.allocatedBytes / 2 ** 20)} MiB | ${Math.round(r.heldBytesPerExecution)} B |`,
  );
}
lines.push('');

// The goals, each as measured in this run.
const goals: { goal: string; measured: string; met: boolean | undefined }[] = [];
// CPU ratios are paired round by round (pairedCpuRatio): each pair ran seconds apart at most.
const cpuRatio = (kind: SubjectKind, baseline: SubjectKind, w: 'next' | 'notify'): number =>
  pairedCpuRatio(subjectRuns, kind, baseline, w);
for (const w of ['next', 'notify'] as const) {
  const name = w === 'next' ? 'notify-next' : 'notify';
  const c = cpuRatio('agent', 'raw', w);
  goals.push({
    goal: `agent CPU/msg ≤ 1.3x raw MQTT.js (${name})`,
    measured: `${round(c, 2)}x`,
    met: c <= 1.3,
  });
  const t =
    (row('agent', w)?.messagesPerSecond ?? Number.NaN) / (row('raw', w)?.messagesPerSecond ?? Number.NaN);
  goals.push({ goal: `agent throughput ≥ 0.8x raw (${name})`, measured: `${round(t, 2)}x`, met: t >= 0.8 });
  const v2 = row('sdk-v2-client-v2', w);
  if (v2 && v2.runs > 0) {
    const agentCpu = row('agent', w)?.cpuMicrosPerMessage ?? Number.NaN;
    // Per message handled: IotJobsClientv2 drops most of a flood, so per message sent it looks cheap.
    goals.push({
      goal: `agent CPU per handled message below IotJobsClientv2 (${name})`,
      measured: `${round(agentCpu)} vs ${round(v2.cpuMicrosPerHandled)} µs (it lost ${v2.lost} of the measured messages)`,
      met: agentCpu < v2.cpuMicrosPerHandled,
    });
  }
  const v1 = row('sdk-v1', w);
  if (v1 && v1.runs > 0) {
    const agentCpu = row('agent', w)?.cpuMicrosPerMessage ?? Number.NaN;
    const r = cpuRatio('agent', 'sdk-v1', w);
    goals.push({
      goal: `agent CPU/msg below the SDK v1 jobs module (${name})`,
      measured: `${round(r, 2)}x (${round(agentCpu)} vs ${round(v1.cpuMicrosPerMessage)} µs)`,
      met: r < 1,
    });
  }
  const crt = row('agent-crt', w);
  const sdkV2 = row('sdk-v2', w);
  if (crt && sdkV2 && crt.runs > 0 && sdkV2.runs > 0) {
    const r = cpuRatio('agent-crt', 'sdk-v2', w);
    goals.push({
      goal: `agent over CRT ≤ 1.3x SDK v2 IotJobsClient (${name})`,
      measured: `${round(r, 2)}x`,
      met: r <= 1.3,
    });
  }
  const p99 = (row('agent', w)?.p99Ms ?? Number.NaN) - (row('raw', w)?.p99Ms ?? Number.NaN);
  goals.push({
    goal: `agent paced p99 within 2 ms of raw (${name})`,
    measured: `${round(p99, 2)} ms`,
    met: p99 <= 2,
  });
}
const cold = (row('agent', 'next')?.readyAtMs ?? Number.NaN) / (row('raw', 'next')?.readyAtMs ?? Number.NaN);
goals.push({
  goal: 'cold start to subscribed ≤ 1.15x raw MQTT.js',
  measured: `${round(cold, 2)}x`,
  met: cold <= 1.15,
});
const rec =
  (reconcile.find((r) => r.client === 'agent' && r.executions === 1_000)?.cpuMs ?? Number.NaN) /
  (sdk(1_000)?.cpuMs ?? Number.NaN);
goals.push({
  goal: 'reconcile 1,000: CPU ≤ @aws-sdk/client-iot',
  measured: `${round(rec, 2)}x`,
  met: rec <= 1,
});
const agent1k = reconcile.find((r) => r.client === 'agent' && r.executions === 1_000);
const agent10k = reconcile.find((r) => r.client === 'agent' && r.executions === 10_000);
const growth = (agent10k?.cpuMs ?? Number.NaN) / (agent1k?.cpuMs ?? Number.NaN);
goals.push({
  goal: 'reconcile 10,000 linear (≤ 12x the 1,000 cost)',
  measured: `${round(growth, 1)}x`,
  met: growth <= 12,
});
const held = agent10k?.heldBytesPerExecution ?? Number.NaN;
goals.push({
  goal: 'under 1 KiB held per cached execution',
  measured: `${Math.round(held)} B`,
  met: held < 1024,
});

lines.push('### Goals', '', '| goal | measured | met |', '|---|---|---|');
for (const g of goals)
  lines.push(`| ${g.goal} | ${g.measured} | ${g.met === undefined ? '–' : g.met ? 'yes' : 'no'} |`);

process.stdout.write(`${lines.join('\n')}\n`);
mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
writeFileSync(
  values.out,
  `${JSON.stringify({ date: new Date().toISOString(), machine, broker: broker.kind, reps, quick, notifications, reconcile, goals }, null, 2)}\n`,
);
log(`wrote ${values.out}`);
