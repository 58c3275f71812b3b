import { once } from 'node:events';
import type { AddressInfo, Socket } from 'node:net';
import { resolve } from 'node:path';
import { createServer, type Server, type TLSSocket } from 'node:tls';
import { Aedes } from 'aedes';
import { systemClock, type Clock } from '../clock.js';
import { silentLogger, type Logger } from '../logger.js';
import { isThingName } from '../protocol/names.js';
import type { DeviceCertificatePaths, SimulatorAdmin, SimulatorStateSnapshot } from './admin-api.js';
import { FaultPlan } from './faults.js';
import { startJobsHttpService, type JobsHttpService } from './jobs-http-service.js';
import type { SimExecution, SimJob } from './jobs-model.js';
import { JobsMqttService } from './jobs-mqtt-service.js';
import { JobsState } from './jobs-state.js';
import type { ChangeResult, CreateJobInput, JobsStateSettings } from './jobs-store.js';
import type { SimulatorCredentials } from './sigv4-verifier.js';
import { SimulatorError } from './simulator-error.js';
import {
  DEFAULT_STATE_DIR,
  deviceCertificatePaths,
  ensureAuthority,
  ensureCredentials,
  ensureDeviceCertificate,
} from './simulator-files.js';

/**
 * A local AWS IoT Jobs: an aedes MQTT broker behind mutual TLS with the device Jobs API on it,
 * and an HTTP server with ListJobExecutionsForThing (SigV4-verified) and an admin API. For
 * developing firmware without AWS, and for this project's own tests.
 *
 * @example
 * const sim = await startSimulator({ things: ['thing-001'], stateDir: tmpDir });
 * const { certFile, keyFile } = sim.certificatePaths.deviceCertificate('thing-001');
 * sim.createJob({ jobId: 'job-1', document: { op: 'reboot' }, targets: ['thing-001'] });
 * await sim.close();
 */

export const DEFAULT_THING_NAME = 'thing-001';
export const DEFAULT_REGION = 'us-east-1';

export interface SimulatorOptions {
  /** Where the CA, certificates and credentials live. @default '.state/simulator' */
  readonly stateDir?: string | undefined;
  /** Things to register and issue device certificates for. @default ['thing-001'] */
  readonly things?: readonly string[] | undefined;
  /** Interface both servers bind to. @default '127.0.0.1' */
  readonly host?: string | undefined;
  /** @default 0 (any free port) */
  readonly mqttPort?: number | undefined;
  /** @default 0 (any free port) */
  readonly httpPort?: number | undefined;
  /** The region SigV4 requests must be scoped to. @default 'us-east-1' */
  readonly region?: string | undefined;
  /** Drives timestamps, step timers and notification delays. @default systemClock */
  readonly clock?: Clock | undefined;
  /** Accepted SigV4 credentials. @default random ones kept in `<stateDir>/credentials.json` */
  readonly credentials?: SimulatorCredentials | undefined;
  /** Jobs service behaviour (notify list cap, describe of terminal executions...). */
  readonly jobs?: JobsStateSettings | undefined;
  /** Largest accepted SigV4 clock difference. @default 15 minutes */
  readonly maxClockSkewMs?: number | undefined;
  /** @default silentLogger */
  readonly logger?: Logger | undefined;
}

export interface SimulatorCertificatePaths {
  /** The CA that signed the broker and device certificates (the device's `caFile`). */
  readonly ca: string;
  /** The certificate and key files of a thing added at start or with `addThing`. */
  deviceCertificate(thingName: string): DeviceCertificatePaths;
}

export interface Simulator extends SimulatorAdmin {
  /** `mqtts://HOST:PORT` of the broker (mutual TLS, MQTT 3.1.1). */
  readonly mqttUrl: string;
  /** `http://HOST:PORT`: ListJobExecutionsForThing and `/admin/`. */
  readonly httpEndpoint: string;
  readonly region: string;
  readonly credentials: SimulatorCredentials;
  /** Absolute path of the state folder. */
  readonly stateDir: string;
  /** True when this start created the CA (the first run in `stateDir`). */
  readonly firstRun: boolean;
  readonly certificatePaths: SimulatorCertificatePaths;
  /** The Jobs service state (read it; change it through the admin methods so notifications go out). */
  readonly state: JobsState;
  /** The embedded broker, for observing traffic in tests. */
  readonly broker: Aedes;
  /** Stops both servers and every timer. Idempotent. */
  close(): Promise<void>;
}

/** Starts the simulator; resolves once the broker and the HTTP server listen. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const stateDir = resolve(options.stateDir ?? DEFAULT_STATE_DIR);
  const host = options.host ?? '127.0.0.1';
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const region = options.region ?? DEFAULT_REGION;
  const things = options.things ?? [DEFAULT_THING_NAME];
  for (const thing of things) assertThingName(thing);

  const hosts = [...new Set(['localhost', '127.0.0.1', ...(isWildcard(host) ? [] : [host])])];
  const authority = await ensureAuthority(stateDir, hosts);
  const credentials = options.credentials ?? (await ensureCredentials(stateDir));
  const state = new JobsState(() => clock.now(), options.jobs);
  const faults = new FaultPlan();
  const issued = new Set<string>();

  const addThing = async (thingName: string): Promise<DeviceCertificatePaths> => {
    assertThingName(thingName);
    const paths = await ensureDeviceCertificate(stateDir, authority.ca, thingName);
    state.registerThing(thingName);
    issued.add(thingName);
    return paths;
  };
  for (const thing of things) await addThing(thing);

  // AWS IoT accepts client ids up to 128 bytes; aedes defaults to 23.
  const broker = await Aedes.createBroker({ maxClientsIdLength: 128 });
  const mqtt = new JobsMqttService({ broker, state, clock, faults, logger });
  mqtt.start();

  const sockets = new Set<Socket>();
  const tlsServer: Server = createServer(
    {
      key: authority.server.key,
      cert: authority.server.cert,
      ca: authority.ca.cert,
      requestCert: true,
      rejectUnauthorized: true,
    },
    (socket: TLSSocket) => {
      broker.handle(socket);
    },
  );
  tlsServer.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  tlsServer.on('tlsClientError', (error) => {
    logger.info({ err: error }, 'simulator: TLS handshake refused');
  });
  tlsServer.listen(options.mqttPort ?? 0, host);
  await once(tlsServer, 'listening');
  const mqttPort = (tlsServer.address() as AddressInfo).port;

  const change = (result: ChangeResult): void => {
    mqtt.apply(result);
  };
  const admin: SimulatorAdmin = {
    faults,
    createJob(input: CreateJobInput): SimJob {
      change(state.createJob(input));
      const job = state.job(input.jobId);
      if (!job) throw new SimulatorError('ResourceNotFoundException', `job ${input.jobId} vanished`);
      return job;
    },
    cancelJob: (jobId, opts) => change(state.cancelJob(jobId, opts)),
    cancelExecution: (thingName, jobId, opts) => change(state.cancelExecution(thingName, jobId, opts)),
    deleteExecution: (thingName, jobId, opts) => change(state.deleteExecution(thingName, jobId, opts)),
    addThing,
    executions: (thingName?: string): SimExecution[] => state.executions(thingName),
    snapshot: (): SimulatorStateSnapshot => ({
      things: state.things(),
      jobs: state.jobs(),
      executions: state.executions(),
      faults: faults.snapshot(),
    }),
  };

  let http: JobsHttpService;
  try {
    http = await startJobsHttpService({
      state,
      credentials: [credentials],
      region,
      admin,
      faults,
      clock,
      host,
      port: options.httpPort,
      maxClockSkewMs: options.maxClockSkewMs,
      logger,
    });
  } catch (error) {
    mqtt.close();
    tlsServer.close();
    broker.close();
    throw error;
  }

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      mqtt.close();
      const serverClosed = once(tlsServer, 'close');
      tlsServer.close();
      await new Promise<void>((done) => {
        broker.close(() => {
          done();
        });
      });
      for (const socket of sockets) socket.destroy();
      await Promise.all([serverClosed, http.close()]);
    })();
    return closing;
  };

  const urlHost = isWildcard(host) ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return {
    ...admin,
    mqttUrl: `mqtts://${urlHost}:${mqttPort}`,
    httpEndpoint: http.endpoint.replace(/\/\/(0\.0\.0\.0|\[::\])/, '//127.0.0.1'),
    region,
    credentials,
    stateDir,
    firstRun: authority.created,
    certificatePaths: {
      ca: authority.caFile,
      deviceCertificate(thingName: string): DeviceCertificatePaths {
        if (!issued.has(thingName)) {
          throw new SimulatorError(
            'ResourceNotFoundException',
            `no device certificate for ${thingName}: use addThing`,
          );
        }
        return deviceCertificatePaths(stateDir, thingName);
      },
    },
    state,
    broker,
    close,
  };
}

function assertThingName(thingName: string): void {
  if (!isThingName(thingName)) {
    throw new SimulatorError(
      'InvalidRequestException',
      `"${thingName.slice(0, 40)}" is not a valid thing name`,
    );
  }
}

function isWildcard(host: string): boolean {
  return host === '0.0.0.0' || host === '::';
}
