/**
 * The agent against the local AWS IoT Jobs simulator: no AWS account, no certificates to make.
 * The simulator generates its own CA and a device certificate, serves the device Jobs API over
 * mutual-TLS MQTT and ListJobExecutionsForThing over HTTP (SigV4-checked).
 *
 *   npx tsx examples/local/agent.ts
 *
 * runLocalExample() is also what test/integration/transports/local-example.test.ts runs.
 */
import { pathToFileURL } from 'node:url';
import { JobsAgent, type JobExecution, type JobsAgentEventName } from 'iot-jobs-agent';
import { startSimulator } from '../../src/simulator/simulator.js';

export interface LocalExampleResult {
  /** Event names in the order the agent emitted them. */
  readonly events: readonly JobsAgentEventName[];
  /** The agent's cache after the run. */
  readonly executions: readonly JobExecution[];
  /** The reconcile report's total. */
  readonly reconciledTotal: number;
}

export interface LocalExampleOptions {
  /** Where the simulator keeps its CA and certificates. @default '.state/simulator' */
  readonly stateDir?: string;
  readonly log?: (line: string) => void;
}

const THING = 'thing-001';

export async function runLocalExample(options: LocalExampleOptions = {}): Promise<LocalExampleResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  const simulator = await startSimulator({
    things: [THING],
    ...(options.stateDir ? { stateDir: options.stateDir } : {}),
  });
  const device = simulator.certificatePaths.deviceCertificate(THING);
  const agent = new JobsAgent({
    thingName: THING,
    transport: 'mqtt',
    mqtt: {
      url: simulator.mqttUrl,
      caFile: simulator.certificatePaths.ca,
      certFile: device.certFile,
      keyFile: device.keyFile,
    },
    reconcile: {
      endpoint: simulator.httpEndpoint,
      region: simulator.region,
      credentials: {
        accessKeyId: simulator.credentials.accessKeyId,
        secretAccessKey: simulator.credentials.secretAccessKey,
      },
    },
  });
  const events: JobsAgentEventName[] = [];
  const record = (event: JobsAgentEventName) => (payload: object) => {
    events.push(event);
    log(JSON.stringify({ event, ...payload }));
  };
  agent.on('connected', record('connected'));
  agent.on('executionAdded', record('executionAdded'));
  agent.on('executionUpdated', record('executionUpdated'));
  agent.on('nextExecutionChanged', record('nextExecutionChanged'));
  agent.on('reconciled', record('reconciled'));
  agent.on('error', record('error'));

  try {
    await agent.start();
    const added = new Promise<void>((resolve) => agent.once('executionAdded', () => resolve()));
    simulator.createJob({ jobId: 'hello-1', document: { operation: 'hello' }, targets: [THING] });
    await added; // the notify message arrived over MQTT
    const report = await agent.reconcile(); // and the HTTP listing agrees
    return { events, executions: agent.executions(), reconciledTotal: report.total };
  } finally {
    await agent.stop();
    await simulator.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = await runLocalExample();
  console.log(`done: ${result.executions.length} execution(s) tracked`);
}
