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
  /** Flood messages measured per receiver and rep, split evenly over the rounds. */
  readonly floodCount: Readonly<Record<Workload, number>>;
  /** Flood rounds per rep: each round floods every receiver once, in turn. */
  readonly rounds: number;
  readonly warmup: number;
  readonly pacedCount: number;
  readonly pacedRate: number;
  readonly idleMs: number;
  /** The CPU each receiver runs on alone (the broker and the publisher are kept off it). */
  readonly receiverCpu?: number | undefined;
}

/** One subject process's figures (one rep of one kind on one workload). */
export interface SubjectRun {
  readonly kind: SubjectKind;
  readonly workload: Workload;
  readonly rep: number;
  readonly importMs: number;
  readonly readyAtMs: number;
  readonly idleRssBytes: number;
  /** Median over the flood rounds of the CPU per message. */
  readonly cpuMicrosPerMessage: number;
  /** The same per message the receiver actually handled (differs when it drops messages). */
  readonly cpuMicrosPerHandled: number;
  /** CPU per message in each flood round, in round order (NaN for a round it did not finish). */
  readonly roundCpuMicros: readonly number[];
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
  /** CPU per message over the floor's, paired round by round (see pairedCpuRatio). */
  readonly cpuVsFloor: number;
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
/** Unmeasured messages before each later round: the publisher's first window goes out in one burst. */
const ROUND_WARMUP = 2 * WINDOW;

/**
 * Every receiver of a workload runs at the same time, each in its own process, idle but for the
 * round it is flooded in. The rounds take turns (the order rotates each round), so a slow spell
 * of this shared machine, which lasts seconds, lands on every receiver alike instead of on
 * whichever ran then: see pairedCpuRatio. Cold start and idle RSS are measured one process at a
 * time, the paced latency run too.
 */
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
  const serial = { next: 0 };
  try {
    for (let rep = 1; rep <= settings.reps; rep++) {
      for (const workload of ['next', 'notify'] as const) {
        const kinds = settings.kinds.filter((kind) => handlesWorkload(kind, workload));
        for (const run of await runRep(publisher, broker, settings, kinds, workload, rep, serial)) {
          runs.push(run);
          log(
            `  rep ${rep} ${run.kind.padEnd(17)} ${workload.padEnd(6)} ` +
              (run.failure
                ? `FAILED: ${run.failure.slice(0, 160)}`
                : `${run.cpuMicrosPerMessage.toFixed(1)} µs/msg (rounds ${run.roundCpuMicros.map((cpu) => cpu.toFixed(1)).join(' ')}), ` +
                  `${Math.round(run.messagesPerSecond)} msg/s, p50 ${run.p50Ms.toFixed(2)} ms, ` +
                  `p99 ${run.p99Ms.toFixed(2)} ms, ready ${Math.round(run.readyAtMs)} ms`),
          );
        }
      }
    }
  } finally {
    await publisher.stop();
  }
  return { rows: summarize(runs, settings.kinds), runs };
}

/**
 * The CPU per message of `kind` over `baseline`'s, paired: the ratio within each flood round of
 * each rep (the two ran seconds apart at most), then the median of those ratios. Robust to slow
 * spells that a ratio of two medians, each taken at a different time, is not.
 */
export function pairedCpuRatio(
  runs: readonly SubjectRun[],
  kind: SubjectKind,
  baseline: SubjectKind,
  workload: Workload,
): number {
  const ratios: number[] = [];
  for (const run of runs) {
    if (run.kind !== kind || run.workload !== workload) continue;
    const base = runs.find((b) => b.kind === baseline && b.workload === workload && b.rep === run.rep);
    run.roundCpuMicros.forEach((cpu, round) => {
      ratios.push(cpu / (base?.roundCpuMicros[round] ?? Number.NaN));
    });
  }
  return median(ratios);
}

function summarize(runs: readonly SubjectRun[], kinds: readonly SubjectKind[]): NotificationRow[] {
  const succeeded = runs.filter((run) => run.failure === undefined);
  const rows: NotificationRow[] = [];
  for (const workload of ['next', 'notify'] as const) {
    for (const kind of kinds) {
      if (!handlesWorkload(kind, workload)) continue;
      const mine = runs.filter((run) => run.kind === kind && run.workload === workload);
      const ok = mine.filter((run) => run.failure === undefined);
      rows.push({
        kind,
        workload,
        runs: ok.length,
        cpuMicrosPerMessage: median(ok.map((run) => run.cpuMicrosPerMessage)),
        cpuMicrosPerHandled: median(ok.map((run) => run.cpuMicrosPerHandled)),
        cpuVsFloor: pairedCpuRatio(succeeded, kind, 'raw', workload),
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
  return rows;
}

/** A subject process alive for one rep of one workload, and what was measured of it so far. */
interface LiveSubject {
  readonly kind: SubjectKind;
  readonly thingName: string;
  readonly child: Child<SubjectMessage>;
  importMs: number;
  readyAtMs: number;
  idleRssBytes: number;
  /** The next seq the publisher sends this subject's thing. */
  nextSeq: number;
  readonly rounds: { cpuMicros: number; elapsedMs: number; count: number; lost: number }[];
  latencies: number[];
  pacedLost: number;
  failure?: string;
}

async function runRep(
  publisher: Child<PublisherMessage>,
  broker: BenchBroker,
  settings: NotificationSettings,
  kinds: readonly SubjectKind[],
  workload: Workload,
  rep: number,
  serial: { next: number },
): Promise<SubjectRun[]> {
  const subjects: LiveSubject[] = [];
  try {
    // Cold start, one at a time: each starts while the others sit idle.
    for (const kind of kinds) {
      subjects.push(await startSubject(publisher, broker, settings, kind, workload, ++serial.next));
    }
    await Promise.all(subjects.map((subject) => measureIdle(subject, settings.idleMs)));
    const perRound = Math.ceil(settings.floodCount[workload] / settings.rounds);
    for (let round = 0; round < settings.rounds; round++) {
      // Rotated, so no receiver always follows the same one.
      const order = subjects.map((_, i) => subjects[(i + round) % subjects.length]);
      for (const subject of order) {
        if (!subject || subject.failure !== undefined) continue;
        await floodRound(
          publisher,
          subject,
          workload,
          round === 0 ? settings.warmup : ROUND_WARMUP,
          perRound,
        );
      }
    }
    for (const subject of subjects) {
      if (subject.failure === undefined) await pacedRun(publisher, subject, workload, settings);
    }
  } finally {
    await Promise.all(subjects.map((subject) => subject.child.stop()));
  }
  return subjects.map((subject) => toRun(subject, workload, rep, settings));
}

async function startSubject(
  publisher: Child<PublisherMessage>,
  broker: BenchBroker,
  settings: NotificationSettings,
  kind: SubjectKind,
  workload: Workload,
  serial: number,
): Promise<LiveSubject> {
  const thingName = `bench-thing-${serial}`;
  const config: SubjectConfig = {
    kind,
    workload,
    host: '127.0.0.1',
    port: broker.port,
    certsDir: CERTS_DIR,
    thingName,
    clientId: `bench-${kind}-${serial}`,
    progressEvery: PROGRESS_EVERY,
  };
  const child = new Child<SubjectMessage>(
    'bench/children/subject.js',
    [JSON.stringify(config)],
    (process.env['BENCH_SUBJECT_NODE_OPTIONS'] ?? '').split(' ').filter(Boolean),
    settings.receiverCpu,
  );
  child.onMessage((message) => {
    if (message.type === 'progress') publisher.send({ type: 'progress', seq: message.seq });
  });
  const subject: LiveSubject = {
    kind,
    thingName,
    child,
    importMs: Number.NaN,
    readyAtMs: Number.NaN,
    idleRssBytes: Number.NaN,
    nextSeq: 1,
    rounds: [],
    latencies: [],
    pacedLost: 0,
  };
  try {
    const ready = await child.next('ready', 30_000);
    subject.importMs = ready.importMs;
    subject.readyAtMs = ready.readyAtMs;
  } catch (error) {
    subject.failure = describe(error);
  }
  return subject;
}

async function measureIdle(subject: LiveSubject, idleMs: number): Promise<void> {
  if (subject.failure !== undefined) return;
  try {
    subject.child.send({ type: 'idle', ms: idleMs });
    subject.idleRssBytes = (await subject.child.next('idle', idleMs + 10_000)).rssBytes;
  } catch (error) {
    subject.failure = describe(error);
  }
}

/** One flood round: as fast as the subject handles them (the publisher stays at most WINDOW ahead). */
async function floodRound(
  publisher: Child<PublisherMessage>,
  subject: LiveSubject,
  workload: Workload,
  warmup: number,
  count: number,
): Promise<void> {
  try {
    const flood = await measure(publisher, subject.child, {
      thingName: subject.thingName,
      workload,
      first: subject.nextSeq,
      warmup,
      count,
      timeoutMs: 60_000,
    });
    subject.nextSeq += warmup + count;
    subject.rounds.push({
      cpuMicros: flood.cpuMicros,
      elapsedMs: flood.elapsedMs,
      count,
      lost: flood.received.filter((at) => !Number.isFinite(at)).length,
    });
  } catch (error) {
    subject.failure = describe(error);
  }
}

/** Latency at a steady rate, on a warm process. */
async function pacedRun(
  publisher: Child<PublisherMessage>,
  subject: LiveSubject,
  workload: Workload,
  settings: NotificationSettings,
): Promise<void> {
  const pacedWarmup = 200;
  try {
    const paced = await measure(publisher, subject.child, {
      thingName: subject.thingName,
      workload,
      first: subject.nextSeq,
      warmup: pacedWarmup,
      count: settings.pacedCount,
      ratePerSecond: settings.pacedRate,
      timeoutMs: ((pacedWarmup + settings.pacedCount) / settings.pacedRate) * 1000 + 30_000,
    });
    subject.nextSeq += pacedWarmup + settings.pacedCount;
    // A lost message arrives over IPC as null (JSON has no NaN): it has no latency.
    subject.latencies = paced.received.map((at, i) =>
      Number.isFinite(at) ? at - (paced.sent[pacedWarmup + i] ?? Number.NaN) : Number.NaN,
    );
    subject.pacedLost = paced.received.filter((at) => !Number.isFinite(at)).length;
  } catch (error) {
    subject.failure = describe(error);
  }
}

function toRun(
  subject: LiveSubject,
  workload: Workload,
  rep: number,
  settings: NotificationSettings,
): SubjectRun {
  const measured = {
    kind: subject.kind,
    workload,
    rep,
    importMs: subject.importMs,
    readyAtMs: subject.readyAtMs,
    idleRssBytes: subject.idleRssBytes,
  };
  if (subject.failure !== undefined) {
    return {
      ...measured,
      cpuMicrosPerMessage: Number.NaN,
      cpuMicrosPerHandled: Number.NaN,
      roundCpuMicros: [],
      messagesPerSecond: Number.NaN,
      p50Ms: Number.NaN,
      p99Ms: Number.NaN,
      lost: settings.floodCount[workload] + settings.pacedCount,
      failure: subject.failure,
    };
  }
  const sum = (pick: (round: LiveSubject['rounds'][number]) => number): number =>
    subject.rounds.reduce((total, round) => total + pick(round), 0);
  const count = sum((round) => round.count);
  const floodLost = sum((round) => round.lost);
  const roundCpuMicros = subject.rounds.map((round) => round.cpuMicros / round.count);
  // Medians over the rounds, as the paired ratios are: the first round after the idle spell
  // often runs slower for every receiver alike (the heap grows back), and must not weigh more.
  return {
    ...measured,
    cpuMicrosPerMessage: median(roundCpuMicros),
    cpuMicrosPerHandled: median(
      subject.rounds.map((round) => round.cpuMicros / Math.max(1, round.count - round.lost)),
    ),
    roundCpuMicros,
    messagesPerSecond: (count / sum((round) => round.elapsedMs)) * 1000,
    p50Ms: percentile(subject.latencies, 50),
    p99Ms: percentile(subject.latencies, 99),
    lost: floodLost + subject.pacedLost,
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
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
  const sentPromise = sentOf(publisher, run.thingName, run.first, run.timeoutMs * 2);
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
  // A receiver that dropped the last messages (IotJobsClientv2 does) never acknowledges them, and
  // the flood would wait on its window for good: once the run is over, the publisher finishes it.
  const finishRun = (): void => {
    publisher.send({ type: 'progress', seq: Number.MAX_SAFE_INTEGER });
  };
  let done: Extract<SubjectMessage, { type: 'done' }>;
  try {
    done = await subject.next('done', run.timeoutMs);
  } catch (error) {
    finishRun();
    await sentPromise.catch(() => undefined); // so the next run's answer is not taken for this one's
    throw error;
  }
  finishRun();
  return { ...done, sent: await sentPromise };
}

/** The publisher's answer to the run of `thingName` from `first`; a late answer to an earlier run is dropped. */
async function sentOf(
  publisher: Child<PublisherMessage>,
  thingName: string,
  first: number,
  timeoutMs: number,
): Promise<number[]> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const answer = await publisher.next('sent', Math.max(1, deadline - performance.now()));
    if (answer.thingName === thingName && answer.first === first) return answer.sent;
  }
}
