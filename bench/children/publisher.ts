/**
 * The service side of the notification bench, in its own process: publishes the workloads over
 * mutual TLS (QoS 1) and answers the agent's start-up requests (GetPendingJobExecutions and
 * DescribeJobExecution of $next) the way AWS IoT Jobs does for a thing with nothing pending.
 *
 *   node publisher.js '<{"port":…,"certsDir":…}>'     (forked by bench/notifications.ts)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import {
  notifyBuilder,
  notifyNextPayload,
  preciseNow,
  type PublisherCommand,
  type PublisherMessage,
  type Workload,
} from './wire.js';

const { port, certsDir } = JSON.parse(process.argv[2] ?? '{}') as { port: number; certsDir: string };

const client = await mqtt.connectAsync(`mqtts://localhost:${port}`, {
  clientId: `bench-publisher-${process.pid}`,
  ca: readFileSync(join(certsDir, 'ca.pem')),
  cert: readFileSync(join(certsDir, 'device.pem')),
  key: readFileSync(join(certsDir, 'device.key')),
  protocolVersion: 4,
  reconnectPeriod: 0,
});

// GetPendingJobExecutions and DescribeJobExecution: nothing is pending.
client.on('message', (topic, payload) => {
  let clientToken: unknown;
  try {
    clientToken = (JSON.parse(payload.toString('utf8')) as { clientToken?: unknown }).clientToken;
  } catch {
    return;
  }
  const body =
    topic.endsWith('/jobs/get') || topic.endsWith('/jobs/$next/get')
      ? topic.endsWith('/jobs/get')
        ? { inProgressJobs: [], queuedJobs: [] }
        : {}
      : undefined;
  const outcome = body ? 'accepted' : 'rejected';
  const reply = body ?? { code: 'ResourceNotFound', message: 'no such execution' };
  client.publish(`${topic}/${outcome}`, JSON.stringify({ ...reply, clientToken, timestamp: 1_700_000_000 }), {
    qos: 1,
  });
});
await client.subscribeAsync(['$aws/things/+/jobs/get', '$aws/things/+/jobs/+/get'], { qos: 1 });

function send(message: PublisherMessage): void {
  process.send?.(message);
}

let acked = 0;
let pump: (() => void) | undefined;

/**
 * One notify builder per thing, kept across runs: a thing's later runs go on from the same 15
 * executions, so its receiver sees the steady stream of changes, not a restart from version 1.
 */
const notifyBuilders = new Map<string, (seq: number) => string>();

function builderFor(thingName: string, workload: Workload): (seq: number) => string {
  if (workload === 'next') return (seq) => notifyNextPayload(thingName, seq);
  let build = notifyBuilders.get(thingName);
  if (!build) {
    build = notifyBuilder();
    notifyBuilders.set(thingName, build);
  }
  return build;
}

function run(command: Extract<PublisherCommand, { type: 'run' }>): void {
  const topic = `$aws/things/${command.thingName}/jobs/${command.workload === 'next' ? 'notify-next' : 'notify'}`;
  const build = builderFor(command.thingName, command.workload);
  const last = command.first + command.total - 1;
  const sent: number[] = [];
  let next = command.first;
  acked = command.first - 1;
  const publish = (): void => {
    const seq = next++;
    const payload = build(seq);
    sent.push(preciseNow());
    client.publish(topic, payload, { qos: 1 });
  };
  const finish = (): void => {
    pump = undefined;
    send({ type: 'sent', thingName: command.thingName, first: command.first, sent });
  };
  const rate = command.ratePerSecond;
  if (rate === undefined) {
    pump = () => {
      while (next <= last && next - acked <= command.window) publish();
      if (next > last) finish();
    };
    pump();
    return;
  }
  const startedAt = performance.now();
  const tick = (): void => {
    const due = Math.min(last, command.first + Math.floor(((performance.now() - startedAt) * rate) / 1000));
    while (next <= due) publish();
    if (next > last) finish();
    else setTimeout(tick, 1);
  };
  tick();
}

process.on('message', (raw) => {
  const command = raw as PublisherCommand;
  switch (command.type) {
    case 'run':
      run(command);
      return;
    case 'progress':
      acked = Math.max(acked, command.seq);
      pump?.();
      return;
    case 'exit':
      void client.endAsync().finally(() => process.exit(0));
      return;
  }
});
send({ type: 'ready' });
