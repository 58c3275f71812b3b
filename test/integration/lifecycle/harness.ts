import { afterAll, afterEach, beforeEach } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JobsAgent, type AgentDependencies } from '../../../src/agent.js';
import type { Clock } from '../../../src/clock.js';
import type { AgentOptions } from '../../../src/config/schema.js';
import type { JobsAgentEventName, JobsAgentEvents } from '../../../src/events.js';
import type { LifecycleOptions } from '../../../src/lifecycle/types.js';
import { JOBS_AGENT_EVENT_NAMES } from '../../../src/events.js';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../../src/simulator/simulator.js';

export const THING = 'thing-001';

/** Fast retries for tests: waits bounded by 5 ms, 10 ms ... 50 ms. */
export const FAST_RETRY = { initialDelayMs: 5, maxDelayMs: 50, factor: 2, maxAttempts: 5 } as const;

/** A folder for one test file: the simulator's PKI (reused across its tests) and state files. */
export function testDirectory(): { readonly path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), 'iot-jobs-lifecycle-'));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export function startTestSimulator(
  stateDir: string,
  options: Omit<SimulatorOptions, 'stateDir' | 'things'> = {},
): Promise<Simulator> {
  return startSimulator({ stateDir, things: [THING], ...options });
}

/** Agent options for the simulator's device, fast timers, no reconcile. */
export function simulatorAgentOptions(sim: Simulator, overrides: Partial<AgentOptions> = {}): AgentOptions {
  const { certFile, keyFile } = sim.certificatePaths.deviceCertificate(THING);
  return {
    thingName: THING,
    mqtt: {
      url: sim.mqttUrl,
      caFile: sim.certificatePaths.ca,
      certFile,
      keyFile,
      connectTimeoutMs: 3_000,
      reconnect: { initialDelayMs: 20, maxDelayMs: 200 },
    },
    requestTimeoutMs: 3_000,
    ...overrides,
  };
}

/**
 * The usual set-up of a describe block: a fresh simulator for each test (its PKI reused across
 * the file), agents built from `agents`, everything stopped after each test.
 */
export function useSimulator(): { readonly sim: Simulator; readonly agents: AgentPool } {
  const dir = testDirectory();
  const agents = new AgentPool();
  let current: Simulator | undefined;
  beforeEach(async () => {
    current = await startTestSimulator(dir.path);
  });
  afterEach(async () => {
    await agents.stopAll();
    await current?.close();
  });
  afterAll(() => {
    dir.remove();
  });
  return {
    get sim(): Simulator {
      if (!current) throw new Error('the simulator runs only inside a test');
      return current;
    },
    agents,
  };
}

/** Builds agents and stops them all in `stopAll` (afterEach). */
export class AgentPool {
  readonly #agents: JobsAgent[] = [];

  create(
    options: AgentOptions,
    dependencies: AgentDependencies = {},
    lifecycle: LifecycleOptions = {},
  ): JobsAgent {
    const agent = new JobsAgent(
      options,
      { requestRetry: FAST_RETRY, ...dependencies },
      { progressIntervalMs: 0, abortGraceMs: 2_000, stopDrainMs: 2_000, ...lifecycle },
    );
    this.#agents.push(agent);
    return agent;
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.#agents.splice(0).map((agent) => agent.stop()));
  }
}

export interface Recorded {
  readonly event: JobsAgentEventName;
  readonly payload: JobsAgentEvents[JobsAgentEventName][0];
}

/** Records every event of an agent, in order. */
export function record(agent: JobsAgent): Recorded[] {
  const events: Recorded[] = [];
  for (const event of JOBS_AGENT_EVENT_NAMES) {
    agent.on(event, (payload: JobsAgentEvents[typeof event][0]) => events.push({ event, payload }));
  }
  return events;
}

/** Resolves with the first `event` whose payload matches, or rejects after `timeoutMs`. */
export function waitForEvent<E extends JobsAgentEventName>(
  agent: JobsAgent,
  event: E,
  matches: (payload: JobsAgentEvents[E][0]) => boolean = () => true,
  timeoutMs = 5_000,
): Promise<JobsAgentEvents[E][0]> {
  return new Promise((resolve, reject) => {
    const listener = (payload: JobsAgentEvents[E][0]): void => {
      if (!matches(payload)) return;
      clearTimeout(timer);
      agent.off(event, listener);
      resolve(payload);
    };
    const timer = setTimeout(() => {
      agent.off(event, listener);
      reject(new Error(`timed out after ${timeoutMs} ms waiting for "${event}"`));
    }, timeoutMs);
    agent.on(event, listener);
  });
}

/** Names of the lifecycle events in `events`, in order (e.g. ['jobStarted', 'jobSucceeded']). */
export function lifecycleEvents(events: readonly Recorded[]): string[] {
  return events.filter((e) => e.event.startsWith('job')).map((e) => e.event);
}

/** A promise with its resolve function exposed, for handlers that wait on the test. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve: (value: T) => void = () => undefined;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

export type { Clock };

/** A device request the simulator received. */
export interface DeviceRequest {
  readonly topic: string;
  readonly body: Record<string, unknown>;
}

/** Records every request the device publishes to the simulator's jobs topics, in order. */
export function recordRequests(sim: { readonly broker: Simulator['broker'] }): DeviceRequest[] {
  const requests: DeviceRequest[] = [];
  sim.broker.on('publish', (packet, client) => {
    if (!client || !packet.topic.startsWith('$aws/things/')) return;
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(Buffer.from(packet.payload).toString('utf8')) as Record<string, unknown>;
    } catch {
      // not JSON: kept with an empty body
    }
    requests.push({ topic: packet.topic, body });
  });
  return requests;
}

/** The update requests of one job, as `status` or `status:details-json`. */
export function updatesOf(requests: readonly DeviceRequest[], jobId: string): DeviceRequest[] {
  return requests.filter((r) => r.topic === `$aws/things/${THING}/jobs/${jobId}/update`);
}
