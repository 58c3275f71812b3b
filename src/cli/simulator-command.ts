import { startSimulator } from '../simulator/simulator.js';
import { ConfigError } from '../errors.js';
import { createJsonLogger } from '../logger.js';
import { EXIT_OK } from './exit.js';

export interface SimulatorCommandOptions {
  readonly stateDir: string | undefined;
  readonly mqttPort: string | undefined;
  readonly httpPort: string | undefined;
  readonly things: readonly string[];
  readonly stdout: (line: string) => void;
  readonly stderr: (line: string) => void;
  readonly stopSignal: Promise<string>;
}

function parsePort(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw ConfigError.forField(flag, 'must be a port number (0-65535)');
  return port;
}

/**
 * `iot-jobs-agent simulator`: the local AWS IoT Jobs simulator on its own, for developing firmware
 * without AWS. Prints where the certificates are and an agent config that works against it.
 */
export async function simulatorCommand(options: SimulatorCommandOptions): Promise<number> {
  const mqttPort = parsePort(options.mqttPort, '--mqtt-port');
  const httpPort = parsePort(options.httpPort, '--http-port');
  const sim = await startSimulator({
    ...(options.stateDir !== undefined ? { stateDir: options.stateDir } : {}),
    ...(mqttPort !== undefined ? { mqttPort } : {}),
    ...(httpPort !== undefined ? { httpPort } : {}),
    ...(options.things.length > 0 ? { things: options.things } : {}),
    logger: createJsonLogger(options.stderr, 'info'),
  });
  const thingName = options.things[0] ?? 'thing-001';
  const config = {
    thingName,
    mqtt: {
      url: sim.mqttUrl,
      caFile: sim.certificatePaths.ca,
      ...sim.certificatePaths.deviceCertificate(thingName),
    },
    reconcile: { endpoint: sim.httpEndpoint, region: sim.region, credentials: sim.credentials },
  };
  options.stdout(
    [
      `AWS IoT Jobs simulator`,
      `  MQTT (mutual TLS, 3.1.1): ${sim.mqttUrl}`,
      `  HTTP (ListJobExecutionsForThing, SigV4): ${sim.httpEndpoint}`,
      `  state and certificates: ${sim.stateDir}${sim.firstRun ? ' (created now)' : ''}`,
      `An agent config for "${thingName}":`,
      JSON.stringify(config, null, 2),
      `Queue a job:  curl -X POST ${sim.httpEndpoint}/admin/jobs -d '{"jobId":"job-1","document":{"operation":"hello"},"targets":["${thingName}"]}'`,
      `Ctrl-C stops.`,
      '',
    ].join('\n'),
  );
  await options.stopSignal;
  await sim.close();
  return EXIT_OK;
}
