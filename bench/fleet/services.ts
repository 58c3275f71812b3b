/**
 * The fleet simulation's service side, in its own process so the fleet process holds only agents:
 * a ListJobExecutionsForThing stub that records when each call arrived, and one MQTT client that
 * answers every thing's GetPendingJobExecutions and DescribeJobExecution the way AWS IoT Jobs
 * does for a thing with one queued job.
 *
 *   node --import tsx bench/fleet/services.ts '{"mqttPort":…,"certsDir":…}'   (forked by fleet/run.ts)
 */
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { sampleStalls } from './stalls.js';

const { mqttPort, certsDir } = JSON.parse(process.argv[2] ?? '{}') as { mqttPort: number; certsDir: string };

const QUEUED = {
  jobId: 'fleet-job',
  queuedAt: 1_700_000_000,
  lastUpdatedAt: 1_700_000_000,
  executionNumber: 1,
};
let calls: number[] = [];
/** This process's own stalls: calls that arrive while it is starved are counted late, together. */
const stalls = sampleStalls();

const server = createServer((request, response) => {
  calls.push(Date.now());
  request.resume();
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(
    JSON.stringify({
      executionSummaries: [{ jobId: QUEUED.jobId, jobExecutionSummary: { ...QUEUED, status: 'QUEUED' } }],
    }),
  );
});
server.listen(0, '127.0.0.1');
await once(server, 'listening');

const responder = await mqtt.connectAsync(`mqtts://localhost:${mqttPort}`, {
  clientId: `fleet-jobs-service-${process.pid}`,
  ca: readFileSync(join(certsDir, 'ca.pem')),
  cert: readFileSync(join(certsDir, 'device.pem')),
  key: readFileSync(join(certsDir, 'device.key')),
  protocolVersion: 4,
  reconnectPeriod: 100,
  clean: true,
});
responder.on('error', () => undefined);
responder.on('message', (topic, payload) => {
  let clientToken: unknown;
  try {
    clientToken = (JSON.parse(payload.toString('utf8')) as { clientToken?: unknown }).clientToken;
  } catch {
    return;
  }
  const thingName = topic.split('/')[2] ?? '';
  const execution = {
    ...QUEUED,
    thingName,
    status: 'QUEUED',
    versionNumber: 1,
    jobDocument: { operation: 'noop' },
  };
  const body = topic.endsWith('/jobs/get')
    ? { inProgressJobs: [], queuedJobs: [{ ...QUEUED, versionNumber: 1 }] }
    : { execution };
  responder.publish(`${topic}/accepted`, JSON.stringify({ ...body, clientToken, timestamp: 1_700_000_000 }), {
    qos: 1,
  });
});
await responder.subscribeAsync(['$aws/things/+/jobs/get', '$aws/things/+/jobs/+/get'], { qos: 1 });

process.on('message', (raw) => {
  const command = raw as { type: 'calls' } | { type: 'exit' };
  if (command.type === 'calls') {
    process.send?.({ type: 'calls', calls, stalls });
    calls = [];
    return;
  }
  responder.end(true);
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
process.send?.({ type: 'ready', httpPort: (server.address() as AddressInfo).port });
