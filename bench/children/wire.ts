/**
 * The bench's message shapes and IPC protocol, shared by the children (compiled, plain node) and
 * the orchestrator (tsx). No imports, so a child loading it costs nothing measurable.
 */

/** notify-next, or a 15-entry notify (1 IN_PROGRESS + 14 QUEUED). */
export type Workload = 'next' | 'notify';

export const NOTIFY_ENTRIES = 15;
const BASE_SECONDS = 1_700_000_000;

/**
 * The payload of message `seq` (1-based). The versionNumber of the execution it changes is
 * `seq + 1`, so every receiver can tell which message it is looking at: notify-next carries one
 * execution, and a notify bumps entry `seq % 15` and leaves the others as last sent.
 */
export function notifyNextPayload(thingName: string, seq: number): string {
  return JSON.stringify({
    timestamp: BASE_SECONDS + seq,
    execution: {
      jobId: 'ota-2024-06-firmware',
      thingName,
      status: 'IN_PROGRESS',
      statusDetails: { step: 'download', progress: String(seq % 100) },
      queuedAt: BASE_SECONDS,
      startedAt: BASE_SECONDS + 1,
      lastUpdatedAt: BASE_SECONDS + seq,
      versionNumber: seq + 1,
      executionNumber: 1,
      jobDocument: {
        operation: 'ota',
        url: 'https://firmware.example.com/releases/rpi/2024.06.1/image.bin',
        sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
        sizeBytes: 48_234_112,
        reboot: true,
      },
    },
  });
}

/** A stateful notify builder: the same 15 executions, one of them changed per message. */
export function notifyBuilder(): (seq: number) => string {
  const entries = Array.from({ length: NOTIFY_ENTRIES }, (_, i) => ({
    jobId: `fleet-job-${String(i).padStart(3, '0')}`,
    queuedAt: BASE_SECONDS + i,
    lastUpdatedAt: BASE_SECONDS + i,
    versionNumber: 1,
    executionNumber: 1,
  }));
  return (seq) => {
    const entry = entries[seq % NOTIFY_ENTRIES];
    if (entry) {
      entry.lastUpdatedAt = BASE_SECONDS + 100 + seq;
      entry.versionNumber = seq + 1;
    }
    const [first, ...rest] = entries;
    return JSON.stringify({
      timestamp: BASE_SECONDS + seq,
      jobs: { IN_PROGRESS: [{ ...first, startedAt: BASE_SECONDS + 1 }], QUEUED: rest },
    });
  };
}

/** Which receiver a subject process runs. */
export type SubjectKind =
  | 'raw' // MQTT.js + JSON.parse: the floor for a JS agent
  | 'raw-zod' // MQTT.js + JSON.parse + a straightforward zod schema: the naive validating agent
  | 'agent' // JobsAgent over MQTT.js
  | 'agent-crt' // JobsAgent over the CRT transport (aws-iot-device-sdk-v2 connection)
  | 'sdk-v2' // aws-iot-device-sdk-v2 IotJobsClient on an MQTT 3.1.1 CRT connection
  | 'sdk-v2-client-v2' // aws-iot-device-sdk-v2 IotJobsClientv2 on an MQTT 5 CRT client
  | 'sdk-v1'; // aws-iot-device-sdk (v1) jobs module: notify-next only

/** Whether a receiver handles a workload at all (the v1 jobs module ignores notify). */
export function handlesWorkload(kind: SubjectKind, workload: Workload): boolean {
  return kind !== 'sdk-v1' || workload === 'next';
}

export interface SubjectConfig {
  readonly kind: SubjectKind;
  readonly workload: Workload;
  readonly host: string;
  readonly port: number;
  readonly certsDir: string;
  readonly thingName: string;
  readonly clientId: string;
  /** Report progress to the orchestrator every this many messages (publisher flow control). */
  readonly progressEvery: number;
}

/** Subject → orchestrator. */
export type SubjectMessage =
  | {
      readonly type: 'ready';
      /** ms the library import took. */
      readonly importMs: number;
      /** ms since process start when the subscriptions were confirmed. */
      readonly readyAtMs: number;
      readonly rssBytes: number;
    }
  | { readonly type: 'idle'; readonly rssBytes: number; readonly heapUsedBytes: number }
  | { readonly type: 'progress'; readonly seq: number }
  | {
      readonly type: 'done';
      /** CPU (user + system, µs) from the last warm-up message to the last measured one. */
      readonly cpuMicros: number;
      readonly elapsedMs: number;
      /** Receive time (epoch ms, high resolution) of each measured seq; index 0 is seq warmup+1. */
      readonly received: number[];
    };

/** Orchestrator → subject. */
export type SubjectCommand =
  | { readonly type: 'idle'; readonly ms: number }
  | {
      readonly type: 'measure';
      /** The first seq the publisher will send. */
      readonly first: number;
      readonly warmup: number;
      readonly count: number;
    }
  | { readonly type: 'exit' };

/** Orchestrator → publisher. */
export type PublisherCommand =
  | {
      readonly type: 'run';
      readonly thingName: string;
      readonly workload: Workload;
      readonly first: number;
      readonly total: number;
      /** Messages per second; undefined: as fast as the window allows. */
      readonly ratePerSecond?: number | undefined;
      /** At most this many messages ahead of the subject's last progress report. */
      readonly window: number;
    }
  | { readonly type: 'progress'; readonly seq: number }
  | { readonly type: 'exit' };

/** Publisher → orchestrator. */
export type PublisherMessage =
  | { readonly type: 'ready' }
  | {
      readonly type: 'sent';
      /** The run this answers (its thing and first seq): a late answer is told from the current one. */
      readonly thingName: string;
      readonly first: number;
      /** Publish time (epoch ms, high resolution) of each message of the run, in seq order. */
      readonly sent: number[];
    };

/** Epoch ms with sub-ms resolution, comparable across processes on one machine. */
export function preciseNow(): number {
  return performance.timeOrigin + performance.now();
}
