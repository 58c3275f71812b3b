/**
 * One receiver under test, in its own process so process.cpuUsage() sees only it (and, for the
 * CRT kinds, aws-crt's native threads, which belong to the cost). Run as compiled JavaScript by
 * plain node: no TypeScript loader sits in the measured process.
 *
 *   node subject.js '<SubjectConfig JSON>'     (forked by bench/notifications.ts, IPC channel open)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  preciseNow,
  type SubjectCommand,
  type SubjectConfig,
  type SubjectMessage,
  type Workload,
} from './wire.js';

const config = JSON.parse(process.argv[2] ?? '{}') as SubjectConfig;
const files = {
  ca: join(config.certsDir, 'ca.pem'),
  cert: join(config.certsDir, 'device.pem'),
  key: join(config.certsDir, 'device.key'),
};
const url = `mqtts://localhost:${config.port}`;
const notifyNextTopic = `$aws/things/${config.thingName}/jobs/notify-next`;
const notifyTopic = `$aws/things/${config.thingName}/jobs/notify`;
const topicOf = (workload: Workload): string => (workload === 'next' ? notifyNextTopic : notifyTopic);

function send(message: SubjectMessage): void {
  process.send?.(message);
}

interface Measure {
  readonly first: number;
  readonly warmupEnd: number;
  readonly last: number;
  received: number[];
  cpu?: NodeJS.CpuUsage;
  startedAt?: number;
}
let measure: Measure | undefined;

/**
 * Called by every receiver once per message it fully handled, with the message's seq. A receiver
 * that drops messages (IotJobsClientv2 does under a flood) still finishes: progress is reported
 * whenever a multiple of progressEvery is passed, and the run ends at its last seq or after
 * QUIET_MS without messages, the missing ones counted as lost.
 */
const QUIET_MS = 3_000;
let highest = 0;
let lastAt = 0;
/** Whether the current measure has seen a message yet (the quiet check starts after the first). */
let heard = false;

// The quiet check runs on its own clock: a timer re-armed per message would add its cost
// (about a microsecond) to every receiver's CPU per message, the floor's included.
setInterval(() => {
  const m = measure;
  if (m && heard && performance.now() - lastAt > QUIET_MS) finish(m);
}, 250).unref();

function finish(m: Measure): void {
  if (measure !== m) return;
  const cpu = process.cpuUsage(m.cpu);
  const elapsedMs = lastAt - (m.startedAt ?? lastAt);
  measure = undefined;
  send({ type: 'done', cpuMicros: cpu.user + cpu.system, elapsedMs, received: m.received });
}

function onSeq(seq: number): void {
  const m = measure;
  if (!m || seq < m.first || seq > m.last) return;
  lastAt = performance.now();
  heard = true;
  if (seq > m.warmupEnd) m.received[seq - m.warmupEnd - 1] = preciseNow();
  if (Math.floor(seq / config.progressEvery) > Math.floor(highest / config.progressEvery)) {
    send({ type: 'progress', seq });
  }
  highest = Math.max(highest, seq);
  if (m.cpu === undefined && seq >= m.warmupEnd) {
    m.startedAt = performance.now();
    m.cpu = process.cpuUsage();
  }
  if (seq === m.last) finish(m);
}

interface WireExecution {
  readonly versionNumber?: number;
}
interface WireMessage {
  readonly execution?: WireExecution;
  readonly jobs?: Record<string, WireExecution[] | undefined>;
}

/** The seq a parsed message carries: the highest versionNumber in it, minus one. */
function seqOf(message: WireMessage): number {
  if (message.execution) return (message.execution.versionNumber ?? 0) - 1;
  let max = 0;
  for (const list of Object.values(message.jobs ?? {})) {
    for (const entry of list ?? []) max = Math.max(max, entry.versionNumber ?? 0);
  }
  return max - 1;
}

async function startRaw(validate: boolean): Promise<number> {
  const before = performance.now();
  const mqtt = await import('mqtt');
  const check = validate ? await naiveSchema() : undefined;
  const importMs = performance.now() - before;
  const client = await mqtt.connectAsync(url, {
    clientId: config.clientId,
    ca: readFileSync(files.ca),
    cert: readFileSync(files.cert),
    key: readFileSync(files.key),
    protocolVersion: 4,
    keepalive: 300,
    reconnectPeriod: 0,
  });
  client.on('message', (_topic, payload) => {
    const parsed: unknown = JSON.parse(payload.toString('utf8'));
    const message = check ? check(parsed) : (parsed as WireMessage);
    if (message) onSeq(seqOf(message));
  });
  await client.subscribeAsync(topicOf(config.workload), { qos: 1 });
  return importMs;
}

/** What a first attempt at a validating agent looks like: one zod schema per message type. */
async function naiveSchema(): Promise<(value: unknown) => WireMessage | undefined> {
  const { z } = await import('zod');
  const status = z.enum([
    'QUEUED',
    'IN_PROGRESS',
    'SUCCEEDED',
    'FAILED',
    'TIMED_OUT',
    'REJECTED',
    'REMOVED',
    'CANCELED',
  ]);
  const summary = z.object({
    jobId: z.string(),
    queuedAt: z.number().optional(),
    startedAt: z.number().optional(),
    lastUpdatedAt: z.number().optional(),
    versionNumber: z.number().int().optional(),
    executionNumber: z.number().int().optional(),
  });
  const execution = summary.extend({
    thingName: z.string().optional(),
    status,
    statusDetails: z.record(z.string(), z.string()).optional(),
    jobDocument: z.record(z.string(), z.unknown()).optional(),
  });
  const schema =
    config.workload === 'next'
      ? z.object({ timestamp: z.number().optional(), execution: execution.optional() })
      : z.object({ timestamp: z.number().optional(), jobs: z.partialRecord(status, z.array(summary)) });
  return (value) => {
    const result = schema.safeParse(value);
    return result.success ? (result.data as WireMessage) : undefined;
  };
}

async function startAgent(transport: 'mqtt' | 'crt'): Promise<number> {
  const before = performance.now();
  const { JobsAgent } = await import('../../src/index.js');
  const importMs = performance.now() - before;
  const agent = new JobsAgent({
    thingName: config.thingName,
    transport,
    mqtt: { url, caFile: files.ca, certFile: files.cert, keyFile: files.key, clientId: config.clientId },
  });
  agent.on('executionAdded', ({ execution }) => {
    onSeq((execution.versionNumber ?? 0) - 1);
  });
  agent.on('executionUpdated', ({ execution }) => {
    onSeq((execution.versionNumber ?? 0) - 1);
  });
  agent.on('error', ({ code, message }) => {
    process.stderr.write(`agent error ${code}: ${message}\n`);
  });
  // Ready at the first `connected` (emitted once the subscriptions are confirmed), the agent's
  // equivalent of the raw client's SUBACK: the goal is the time to the first `connected`.
  // start() goes on in the background with its catch-up requests (get-pending, describe $next).
  await new Promise<void>((resolve, reject) => {
    agent.once('connected', () => {
      resolve();
    });
    agent.start().catch(reject);
  });
  return importMs;
}

async function startSdkV2(): Promise<number> {
  const before = performance.now();
  const { iot, iotjobs, mqtt } = await import('aws-iot-device-sdk-v2');
  const importMs = performance.now() - before;
  const connectionConfig = iot.AwsIotMqttConnectionConfigBuilder.new_mtls_builder_from_path(
    files.cert,
    files.key,
  )
    .with_certificate_authority_from_path(undefined, files.ca)
    .with_endpoint('localhost')
    .with_port(config.port)
    .with_client_id(config.clientId)
    .with_clean_session(true)
    .with_keep_alive_seconds(300)
    .build();
  const connection = new mqtt.MqttClient().new_connection(connectionConfig);
  connection.on('error', () => undefined);
  await connection.connect();
  const jobs = new iotjobs.IotJobsClient(connection);
  const request = { thingName: config.thingName };
  if (config.workload === 'next') {
    await jobs.subscribeToNextJobExecutionChangedEvents(request, mqtt.QoS.AtLeastOnce, (_error, event) => {
      if (event) onSeq(seqOf(event));
    });
  } else {
    await jobs.subscribeToJobExecutionsChangedEvents(request, mqtt.QoS.AtLeastOnce, (_error, event) => {
      if (event) onSeq(seqOf(event));
    });
  }
  return importMs;
}

async function startSdkV2ClientV2(): Promise<number> {
  const before = performance.now();
  const { iot, iotjobs, mqtt5 } = await import('aws-iot-device-sdk-v2');
  const importMs = performance.now() - before;
  const builder = iot.AwsIotMqtt5ClientConfigBuilder.newDirectMqttBuilderWithMtlsFromPath(
    'localhost',
    files.cert,
    files.key,
  );
  builder.withCertificateAuthorityFromPath(undefined, files.ca);
  builder.withPort(config.port);
  builder.withConnectProperties({ clientId: config.clientId, keepAliveIntervalSeconds: 300 });
  const client = new mqtt5.Mqtt5Client(builder.build());
  client.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    client.once('connectionSuccess', () => {
      resolve();
    });
    client.once('connectionFailure', () => {
      reject(new Error('MQTT 5 connection failed'));
    });
    client.start();
  });
  const jobs = iotjobs.IotJobsClientv2.newFromMqtt5(client, {
    maxRequestResponseSubscriptions: 4,
    maxStreamingSubscriptions: 2,
    operationTimeoutInSeconds: 10,
  });
  const request = { thingName: config.thingName };
  interface Stream {
    on(event: 'subscriptionStatus', listener: (event: { type: number }) => void): unknown;
    on(event: 'incomingPublish', listener: (event: { message: unknown }) => void): unknown;
    on(event: 'incomingPublishError', listener: (event: { error: unknown }) => void): unknown;
    open(): void;
  }
  const stream: Stream =
    config.workload === 'next'
      ? jobs.createNextJobExecutionChangedStream(request)
      : jobs.createJobExecutionsChangedStream(request);
  await new Promise<void>((resolve) => {
    stream.on('subscriptionStatus', (event) => {
      // aws-crt's SubscriptionStatusEventType.SubscriptionEstablished
      if (event.type === 0) resolve();
    });

    stream.on('incomingPublish', (event) => {
      onSeq(seqOf(event.message as WireMessage));
    });
    let reported = false;
    stream.on('incomingPublishError', (event) => {
      if (reported) return;
      reported = true;
      process.stderr.write(`IotJobsClientv2 could not deserialize a message: ${String(event.error)}\n`);
    });
    stream.open();
  });
  return importMs;
}

/**
 * The AWS IoT Device SDK v1 jobs module (aws-iot-device-sdk, MQTT.js 4 inside). It handles only
 * notify-next, and hands its callback a job object without the versionNumber, so the seq is
 * counted: QoS 1 from one publisher arrives in order, and a lost message shows up as the last seq
 * never arriving (the run then ends after QUIET_MS and counts it lost).
 */
async function startSdkV1(): Promise<number> {
  const before = performance.now();
  const sdk = (await import('aws-iot-device-sdk')).default;
  const importMs = performance.now() - before;
  const jobs = sdk.jobs({
    host: 'localhost',
    port: config.port,
    protocol: 'mqtts',
    clientId: config.clientId,
    caPath: files.ca,
    certPath: files.cert,
    keyPath: files.key,
    keepalive: 300,
  });
  await new Promise<void>((resolve, reject) => {
    jobs.once('connect', () => {
      resolve();
    });
    jobs.once('error', reject);
  });
  jobs.subscribeToJobs(config.thingName, 'ota', (error) => {
    if (error === null) onSeq(++countedSeq);
  });
  // subscribeToJobs subscribes at QoS 0; every other receiver here is at QoS 1 (with its PUBACKs),
  // so the same topic is subscribed again at QoS 1, which replaces the QoS 0 subscription.
  await new Promise<void>((resolve, reject) => {
    jobs.subscribe(notifyNextTopic, { qos: 1 }, (error) => {
      if (error) reject(error);
      else resolve();
    });
  });
  return importMs;
}
let countedSeq = 0;

async function start(): Promise<number> {
  switch (config.kind) {
    case 'raw':
      return startRaw(false);
    case 'raw-zod':
      return startRaw(true);
    case 'agent':
      return startAgent('mqtt');
    case 'agent-crt':
      return startAgent('crt');
    case 'sdk-v2':
      return startSdkV2();
    case 'sdk-v2-client-v2':
      return startSdkV2ClientV2();
    case 'sdk-v1':
      return startSdkV1();
  }
}

process.on('message', (raw) => {
  const command = raw as SubjectCommand;
  if (command.type === 'exit') process.exit(0);
  if (command.type === 'idle') {
    setTimeout(() => {
      const usage = process.memoryUsage();
      send({ type: 'idle', rssBytes: usage.rss, heapUsedBytes: usage.heapUsed });
    }, command.ms);
    return;
  }
  highest = command.first - 1;
  heard = false;
  countedSeq = command.first - 1;
  measure = {
    first: command.first,
    warmupEnd: command.first + command.warmup - 1,
    last: command.first + command.warmup + command.count - 1,
    received: new Array<number>(command.count).fill(Number.NaN),
  };
});

const importMs = await start();
send({ type: 'ready', importMs, readyAtMs: performance.now(), rssBytes: process.memoryUsage().rss });
