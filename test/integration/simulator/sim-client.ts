import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync, type MqttClient } from 'mqtt';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../../src/simulator/simulator.js';

/**
 * Helpers for the simulator's behaviour tests: a plain mqtt.js device over mutual TLS, request /
 * reply correlation by clientToken, and message recording. Tests wait for messages with a
 * timeout and only sleep (briefly) to prove that something does NOT arrive.
 */

export interface ReceivedMessage {
  readonly topic: string;
  readonly body: Record<string, unknown>;
}

/** A connected device with a log of every message it received. */
export interface Device {
  readonly client: MqttClient;
  readonly messages: ReceivedMessage[];
  subscribe(filter: string): Promise<void>;
  publish(topic: string, payload: string | object): Promise<void>;
  /** Publishes a request (with a fresh clientToken unless given) and resolves with its reply. */
  request(topic: string, payload?: Record<string, unknown>): Promise<ReceivedMessage>;
  /** Resolves with the first received message (past or future) matching `predicate`. */
  waitFor(predicate: (message: ReceivedMessage) => boolean, timeoutMs?: number): Promise<ReceivedMessage>;
  /** Messages on `topic` so far. */
  on(topic: string): ReceivedMessage[];
}

/** A temp state folder per test file, so certificates are generated once per file. */
export async function tempStateDir(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'iot-jobs-sim-'));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

export function startTestSimulator(stateDir: string, options: SimulatorOptions = {}): Promise<Simulator> {
  return startSimulator({ stateDir, things: ['thing-1', 'thing-2'], ...options });
}

/** What a test starts through useSimulator; all of it is closed after the test. */
export interface SimulatorFixture {
  /** Starts a simulator (things thing-1 and thing-2 unless `options` says otherwise). */
  start(options?: SimulatorOptions): Promise<Simulator>;
  /** Connects a device of `thingName` to `sim`, subscribed to `filters`. */
  connect(sim: Simulator, thingName: string, ...filters: string[]): Promise<Device>;
}

/**
 * The hooks every simulator test file needs, registered once per file: one state folder for the
 * file (so its PKI is generated once), and after each test the devices it connected, then the
 * simulators it started, are closed.
 */
export function useSimulator(): SimulatorFixture {
  let stateDir: { dir: string; remove: () => Promise<void> } | undefined;
  const simulators: Simulator[] = [];
  const devices: Device[] = [];
  beforeAll(async () => {
    stateDir = await tempStateDir();
  });
  afterAll(async () => {
    await stateDir?.remove();
  });
  afterEach(async () => {
    await Promise.all(devices.splice(0).map((device) => device.client.endAsync(true)));
    await Promise.all(simulators.splice(0).map((sim) => sim.close()));
  });
  return {
    async start(options = {}) {
      if (!stateDir) throw new Error('useSimulator: start() runs inside a test or a beforeEach');
      const sim = await startTestSimulator(stateDir.dir, options);
      simulators.push(sim);
      return sim;
    },
    async connect(sim, thingName, ...filters) {
      const device = await connectDevice(sim, thingName);
      devices.push(device);
      for (const filter of filters) await device.subscribe(filter);
      return device;
    },
  };
}

export async function connectDevice(
  sim: Simulator,
  thingName: string,
  clientId = thingName,
): Promise<Device> {
  const paths = sim.certificatePaths.deviceCertificate(thingName);
  const client = await connectAsync(sim.mqttUrl, {
    ca: readFileSync(sim.certificatePaths.ca),
    cert: readFileSync(paths.certFile),
    key: readFileSync(paths.keyFile),
    clientId,
    protocolVersion: 4,
    reconnectPeriod: 0,
    connectTimeout: 5_000,
  });
  const messages: ReceivedMessage[] = [];
  const waiters = new Set<(message: ReceivedMessage) => void>();
  client.on('message', (topic, payload) => {
    const message = { topic, body: JSON.parse(payload.toString('utf8')) as Record<string, unknown> };
    messages.push(message);
    for (const waiter of [...waiters]) waiter(message);
  });

  const waitFor = (
    predicate: (m: ReceivedMessage) => boolean,
    timeoutMs = 3_000,
  ): Promise<ReceivedMessage> => {
    const seen = messages.find(predicate);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.delete(waiter);
        reject(
          new Error(
            `no matching message within ${timeoutMs} ms; got ${JSON.stringify(messages.map((m) => m.topic))}`,
          ),
        );
      }, timeoutMs);
      const waiter = (message: ReceivedMessage): void => {
        if (!predicate(message)) return;
        clearTimeout(timer);
        waiters.delete(waiter);
        resolve(message);
      };
      waiters.add(waiter);
    });
  };

  const device: Device = {
    client,
    messages,
    async subscribe(filter) {
      await client.subscribeAsync(filter, { qos: 1 });
    },
    async publish(topic, payload) {
      await client.publishAsync(topic, typeof payload === 'string' ? payload : JSON.stringify(payload), {
        qos: 1,
      });
    },
    async request(topic, payload = {}) {
      await device.subscribe(`${topic}/+`);
      const clientToken = typeof payload['clientToken'] === 'string' ? payload['clientToken'] : randomUUID();
      await device.publish(topic, { ...payload, clientToken });
      return waitFor((m) => m.topic.startsWith(`${topic}/`) && m.body['clientToken'] === clientToken);
    },
    waitFor,
    on: (topic) => messages.filter((m) => m.topic === topic),
  };
  return device;
}

/** Gives in-flight messages time to arrive, to assert that one did not. */
export function settle(ms = 150): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export const jobsTopic = (thing: string, rest: string): string => `$aws/things/${thing}/jobs/${rest}`;
