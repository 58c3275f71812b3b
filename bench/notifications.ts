/**
 * Notification cost: each receiver (SubjectKind) in its own process, one publisher process, one
 * broker (mosquitto over mutual TLS, or aedes in a process of its own). Per subject process:
 * cold start (import, subscriptions confirmed), idle RSS, a flood (CPU per message and
 * throughput, after a warm-up) and a paced run at 1,000 msg/s (latency publish → handled).
 */
import { CERTS_DIR } from '../test/helpers/certs.js';
import type { BenchBroker } from './lib/broker.js';
import { Child } from './lib/children.js';
import { median, percentile } from './lib/stats.js';
import { handlesWorkload } from './children/wire.js';
import type {
  PublisherMessage,
  SubjectConfig,
  SubjectKind,
  SubjectMessage,
  Workload,
} from './children/wire.js';

export interface NotificationSettings {
  readonly reps: number;
  readonly kinds: readonly SubjectKind[];
  readonly floodCount: Readonly<Record<Workload, number>>;
  readonly warmup: number;
  readonly pacedCount: number;
  readonly pacedRate: number;
  readonly idleMs: number;
  /** The CPU each receiver runs on alone (the broker and the publisher are kept off it). */
  readonly receiverCpu?: number | undefined;
}

/** One subject process's figures. */
export interface SubjectRun {
  readonly kind: SubjectKind;
  readonly workload: Workload;
  readonly importMs: number;
  readonly readyAtMs: number;
  readonly idleRssBytes: number;
  readonly cpuMicrosPerMessage: number;
  /** CPU per flood message the receiver actually handled (differs when it drops messages). */
  readonly cpuMicrosPerHandled: number;
  readonly messagesPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Measured messages never handled (flood + paced), or the failure that stopped the run. */
  readonly lost: number;
  readonly failure?: string;
}

/** Medians over the repetitions of one (kind, workload). */
export interface NotificationRow {
  readonly kind: SubjectKind;
  readonly workload: Workload;
  readonly runs: number;
  readonly cpuMicrosPerMessage: number;
  readonly cpuMicrosPerHandled: number;
  readonly messagesPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly importMs: number;
  readonly readyAtMs: number;
  readonly idleRssBytes: number;
  readonly lost: number;
  readonly failures: readonly string[];
}

/** mosquitto drops QoS 1 messages for a subscriber whose queue is full; 300 + PROGRESS_EVERY stays clear of it. */
const WINDOW = 300;
const PROGRESS_EVERY = 100;

export async function runNotificationBench(
  broker: BenchBroker,
  settings: NotificationSettings,
  log: (line: string) => void,
): Promise<{ rows: NotificationRow[]; runs: SubjectRun[] }> {
  const publisher = new Child<PublisherMessage>('bench/children/publisher.js', [
    JSON.stringify({ port: broker.port, certsDir: CERTS_DIR }),
  ]);
  await publisher.next('ready', 15_000);
  const runs: SubjectRun[] = [];
  try {
    let serial = 0;
    for (let rep = 1; rep <= settings.reps; rep++) {
      for (const workload of ['next', 'notify'] as const) {
        for (const kind of settings.kinds) {
          if (!handlesWorkload(kind, workload)) continue;
          serial++;
          const run = await runSubject(publisher, broker, settings, kind, workload, serial);
          runs.push(run);
          log(
            `  rep ${rep} ${kind.padEnd(17)} ${workload.padEnd(6)} ` +
              (run.failure
                ? `FAILED: ${run.failure.slice(0, 160)}`
                : `${run.cpuMicrosPerMessage.toFixed(1)} µs/msg, ${Math.round(run.messagesPerSecond)} msg/s, ` +
                  `p50 ${run.p50Ms.toFixed(2)} ms, p99 ${run.p99Ms.toFixed(2)} ms, ready ${Math.round(run.readyAtMs)} ms`),
          );
        }
      }
    }
  } finally {
    await publisher.stop();
  }
  const rows: NotificationRow[] = [];
  for (const workload of ['next', 'notify'] as const) {
    for (const kind of settings.kinds) {
      if (!handlesWorkload(kind, workload)) continue;
      const mine = runs.filter((run) => run.kind === kind && run.workload === workload);
      const ok = mine.filter((run) => run.failure === undefined);
      rows.push({
        kind,
        workload,
        runs: ok.length,
        cpuMicrosPerMessage: median(ok.map((run) => run.cpuMicrosPerMessage)),
        cpuMicrosPerHandled: median(ok.map((run) => run.cpuMicrosPerHandled)),
        messagesPerSecond: median(ok.map((run) => run.messagesPerSecond)),
        p50Ms: median(ok.map((run) => run.p50Ms)),
        p99Ms: median(ok.map((run) => run.p99Ms)),
        importMs: median(mine.map((run) => run.importMs)),
        readyAtMs: median(mine.map((run) => run.readyAtMs)),
        idleRssBytes: median(mine.map((run) => run.idleRssBytes)),
        lost: mine.reduce((sum, run) => sum + run.lost, 0),
        failures: mine.flatMap((run) => (run.failure ? [run.failure] : [])),
      });
    }
  }
  return { rows, runs };
}

async function runSubject(
  publisher: Child<PublisherMessage>,
  broker: BenchBroker,
  settings: NotificationSettings,
  kind: SubjectKind,
  workload: Workload,
  serial: number,
): Promise<SubjectRun> {
  const thingName = `bench-thing-${serial}`;
  const config: SubjectConfig = {
    kind,
    workload,
    host: '127.0.0.1',
    port: broker.port,
    certsDir: CERTS_DIR,
    thingName,
    clientId: `bench-${kind}-${serial}`,
    warmup: settings.warmup,
    count: settings.floodCount[workload],
    progressEvery: PROGRESS_EVERY,
  };
  const subject = new Child<SubjectMessage>(
    'bench/children/subject.js',
    [JSON.stringify(config)],
    (process.env['BENCH_SUBJECT_NODE_OPTIONS'] ?? '').split(' ').filter(Boolean),
    settings.receiverCpu,
  );
  subject.onMessage((message) => {
    if (message.type === 'progress') publisher.send({ type: 'progress', seq: message.seq });
  });
  let importMs = Number.NaN;
  let readyAtMs = Number.NaN;
  let idleRssBytes = Number.NaN;
  try {
    const ready = await subject.next('ready', 30_000);
    importMs = ready.importMs;
    readyAtMs = ready.readyAtMs;
    subject.send({ type: 'idle', ms: settings.idleMs });
    idleRssBytes = (await subject.next('idle', settings.idleMs + 10_000)).rssBytes;

    // Flood: as fast as the subject handles them (the publisher stays at most WINDOW ahead).
    const floodCount = settings.floodCount[workload];
    const flood = await measure(publisher, subject, {
      thingName,
      workload,
      first: 1,
      warmup: settings.warmup,
      count: floodCount,
      timeoutMs: 60_000,
    });
    // Paced: latency at a steady rate, on a warm process.
    const pacedFirst = settings.warmup + floodCount + 1;
    const pacedWarmup = 200;
    const paced = await measure(publisher, subject, {
      thingName,
      workload,
      first: pacedFirst,
      warmup: pacedWarmup,
      count: settings.pacedCount,
      ratePerSecond: settings.pacedRate,
      timeoutMs: ((pacedWarmup + settings.pacedCount) / settings.pacedRate) * 1000 + 30_000,
    });
    // A lost message arrives over IPC as null (JSON has no NaN): it has no latency.
    const latencies = paced.received.map((at, i) =>
      Number.isFinite(at) ? at - (paced.sent[pacedWarmup + i] ?? Number.NaN) : Number.NaN,
    );
    const floodLost = flood.received.filter((at) => !Number.isFinite(at)).length;
    const lost = floodLost + paced.received.filter((at) => !Number.isFinite(at)).length;
    return {
      kind,
      workload,
      importMs,
      readyAtMs,
      idleRssBytes,
      cpuMicrosPerMessage: flood.cpuMicros / floodCount,
      cpuMicrosPerHandled: flood.cpuMicros / Math.max(1, floodCount - floodLost),
      messagesPerSecond: (floodCount / flood.elapsedMs) * 1000,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      lost,
    };
  } catch (error) {
    return {
      kind,
      workload,
      importMs,
      readyAtMs,
      idleRssBytes,
      cpuMicrosPerMessage: Number.NaN,
      cpuMicrosPerHandled: Number.NaN,
      messagesPerSecond: Number.NaN,
      p50Ms: Number.NaN,
      p99Ms: Number.NaN,
      lost: settings.floodCount[workload] + settings.pacedCount,
      failure: error instanceof Error ? error.message : String(error),
    };
  } finally {
    await subject.stop();
  }
}

async function measure(
  publisher: Child<PublisherMessage>,
  subject: Child<SubjectMessage>,
  run: {
    thingName: string;
    workload: Workload;
    first: number;
    warmup: number;
    count: number;
    ratePerSecond?: number;
    timeoutMs: number;
  },
): Promise<{ cpuMicros: number; elapsedMs: number; received: number[]; sent: number[] }> {
  subject.send({ type: 'measure', first: run.first, warmup: run.warmup, count: run.count });
  const sentPromise = publisher.next('sent', run.timeoutMs * 2);
  sentPromise.catch(() => undefined); // awaited below; never an unhandled rejection meanwhile
  publisher.send({
    type: 'run',
    thingName: run.thingName,
    workload: run.workload,
    first: run.first,
    total: run.warmup + run.count,
    ratePerSecond: run.ratePerSecond,
    window: WINDOW,
  });
  try {
    const done = await subject.next('done', run.timeoutMs);
    const { sent } = await sentPromise;
    return { cpuMicros: done.cpuMicros, elapsedMs: done.elapsedMs, received: done.received, sent };
  } catch (error) {
    // Let the publisher finish this run so the next subject starts from a quiet publisher.
    publisher.send({ type: 'progress', seq: Number.MAX_SAFE_INTEGER });
    await sentPromise.catch(() => undefined);
    throw error;
  }
}
