import { setTimeout as delay } from 'node:timers/promises';
import { JobsAgent } from '../agent.js';
import { JOBS_AGENT_EVENT_NAMES, type JobsAgentEventName, type JobsAgentEvents } from '../events.js';
import { startSimulator, type Simulator } from '../simulator/simulator.js';
import { EXIT_OK } from './exit.js';
import { formatEventLine } from './ndjson.js';
import { renderEvent, renderStep } from './render.js';

export interface DemoOptions {
  /** End after the script instead of waiting for Ctrl-C. */
  readonly once: boolean;
  readonly stateDir: string;
  /** Readable lines on a terminal; NDJSON (events only, on stdout) otherwise. */
  readonly pretty: boolean;
  readonly stdout: (line: string) => void;
  readonly stderr: (line: string) => void;
  readonly stopSignal: Promise<string>;
  /** Pause between script steps so a person can follow them. */
  readonly stepDelayMs: number;
}

const THING = 'demo-thing';
const STEP_TIMEOUT_MS = 10_000;

type Matcher = (event: JobsAgentEventName, payload: JobsAgentEvents[JobsAgentEventName][0]) => boolean;

/** Resolves when the agent emits an event `matches` accepts (or rejects after a timeout). */
function waitForEvent(agent: JobsAgent, description: string, matches: Matcher): Promise<void> {
  return new Promise((resolve, reject) => {
    const listeners = JOBS_AGENT_EVENT_NAMES.map((event) => {
      const listener = (payload: JobsAgentEvents[typeof event][0]): void => {
        if (!matches(event, payload)) return;
        cleanup();
        resolve();
      };
      agent.on(event, listener);
      return () => agent.off(event, listener);
    });
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`the demo waited ${STEP_TIMEOUT_MS} ms for ${description}`));
    }, STEP_TIMEOUT_MS);
    timer.unref();
    function cleanup(): void {
      clearTimeout(timer);
      for (const off of listeners) off();
    }
  });
}

const executionIs =
  (event: JobsAgentEventName, jobId: string, status?: string): Matcher =>
  (seen, payload) =>
    seen === event &&
    'execution' in payload &&
    payload.execution?.jobId === jobId &&
    (status === undefined || payload.execution.status === status);

/**
 * `iot-jobs-agent demo` (what `npm start` runs): the local simulator and an agent together, and a
 * short script that shows what the agent sees: jobs queued, a cancellation, a notification lost
 * on the way and healed by reconcile, an execution deleted in the service.
 */
export async function demoCommand(options: DemoOptions): Promise<number> {
  const say = (text: string): void =>
    options.pretty ? options.stdout(`${renderStep(text)}\n`) : options.stderr(`# ${text}\n`);
  const sim = await startSimulator({ stateDir: options.stateDir, things: [THING] });
  const agent = new JobsAgent({
    thingName: THING,
    mqtt: {
      url: sim.mqttUrl,
      caFile: sim.certificatePaths.ca,
      ...sim.certificatePaths.deviceCertificate(THING),
    },
    reconcile: {
      endpoint: sim.httpEndpoint,
      region: sim.region,
      intervalSeconds: 60,
      credentials: { ...sim.credentials },
    },
  });
  for (const event of JOBS_AGENT_EVENT_NAMES) {
    agent.on(event, (payload: JobsAgentEvents[typeof event][0]) => {
      options.stdout(options.pretty ? `${renderEvent(event, payload)}\n` : formatEventLine(event, payload));
    });
  }
  registerDemoHandlers(agent, options.stepDelayMs);
  try {
    say(`Simulator up: MQTT ${sim.mqttUrl}, HTTP ${sim.httpEndpoint}; certificates in ${sim.stateDir}`);
    say(`Starting an agent for thing "${THING}"`);
    await agent.start();
    await runScript(sim, agent, say, options.stepDelayMs);
    if (!options.once) {
      say(
        `Done. The agent keeps running: queue more jobs with\n  curl -X POST ${sim.httpEndpoint}/admin/jobs -d '{"jobId":"my-job","document":{"operation":"hello"},"targets":["${THING}"]}'\n  Ctrl-C stops.`,
      );
      await options.stopSignal;
    }
    say('Stopping');
    return EXIT_OK;
  } finally {
    await agent.stop();
    await sim.close();
  }
}

async function runScript(
  sim: Simulator,
  agent: JobsAgent,
  say: (text: string) => void,
  stepDelayMs: number,
): Promise<void> {
  const pause = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, stepDelayMs));
  const step = async (text: string, act: () => void | Promise<void>, until: Promise<void>): Promise<void> => {
    // The wait is armed before acting (so the event cannot be missed) and guarded in case acting fails.
    until.catch(() => undefined);
    await pause();
    say(text);
    await act();
    await until;
  };

  await step(
    'Queue job "welcome" (operation "hello"): the agent runs its handler and reports SUCCEEDED',
    () => void sim.createJob({ jobId: 'welcome', document: { operation: 'hello' }, targets: [THING] }),
    waitForEvent(agent, 'welcome to succeed', executionIs('executionUpdated', 'welcome', 'SUCCEEDED')),
  );
  await step(
    'Queue job "firmware-2-1" (operation "install": no handler here, so it waits)',
    () =>
      void sim.createJob({
        jobId: 'firmware-2-1',
        document: { operation: 'install', version: '2.1.0' },
        targets: [THING],
      }),
    waitForEvent(agent, 'firmware-2-1 to be added', executionIs('executionAdded', 'firmware-2-1')),
  );
  await step(
    'Cancel job "firmware-2-1" in the service',
    () => {
      sim.cancelJob('firmware-2-1');
    },
    waitForEvent(
      agent,
      'firmware-2-1 to be canceled',
      executionIs('executionUpdated', 'firmware-2-1', 'CANCELED'),
    ),
  );
  await step(
    'Lose the notifications on the way, then queue job "config-update": the agent hears nothing',
    () => {
      // Both notifications of this change are lost: notify (the list) and notify-next (the new head).
      sim.faults.dropNotifications(2);
      sim.createJob({ jobId: 'config-update', document: { operation: 'configure' }, targets: [THING] });
    },
    Promise.resolve(),
  );
  await step(
    'Reconcile (it also runs periodically and after every reconnect): the missed job appears and runs',
    async () => {
      await agent.reconcile();
    },
    waitForEvent(
      agent,
      'config-update to succeed',
      executionIs('executionUpdated', 'config-update', 'SUCCEEDED'),
    ),
  );
  await step(
    'Delete the finished execution of "welcome" in the service; the next reconcile notices',
    async () => {
      sim.deleteExecution(THING, 'welcome');
      await agent.reconcile();
    },
    waitForEvent(
      agent,
      'welcome to be removed',
      (event, payload) => event === 'executionRemoved' && 'jobId' in payload && payload.jobId === 'welcome',
    ),
  );
}

/** Handlers for the demo's operations: a few progress steps, then success. */
function registerDemoHandlers(agent: JobsAgent, stepDelayMs: number): void {
  const work = async (signal: AbortSignal): Promise<void> => {
    await delay(stepDelayMs / 3, undefined, { signal });
  };
  agent.handle('hello', async ({ progress, signal }) => {
    progress({ step: 'saying hello' });
    await work(signal);
    return { statusDetails: { greeting: `hello from ${THING}` } };
  });
  agent.handle('configure', async ({ progress, signal }) => {
    progress({ step: 'writing config' });
    await work(signal);
    return { statusDetails: { applied: 'true' } };
  });
}
