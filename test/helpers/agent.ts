import type { AgentOptions } from '../../src/config/schema.js';
import { JOBS_AGENT_EVENT_NAMES, type JobsAgentEventName, type JobsAgentEvents } from '../../src/events.js';
import type { JobsAgent } from '../../src/agent.js';
import type { TestBroker } from './broker.js';
import { TEST_THING_NAME, testCerts } from './certs.js';

/** Agent options for the test device against a test broker, fast timers, no reconcile. */
export function testAgentOptions(
  broker: Pick<TestBroker, 'url'>,
  overrides: Partial<AgentOptions> = {},
): AgentOptions {
  const certs = testCerts();
  return {
    thingName: TEST_THING_NAME,
    mqtt: {
      url: broker.url,
      ca: certs.ca.cert,
      cert: certs.device.cert,
      key: certs.device.key,
      connectTimeoutMs: 3_000,
      reconnect: { initialDelayMs: 20, maxDelayMs: 200 },
    },
    requestTimeoutMs: 3_000,
    ...overrides,
  };
}

export interface RecordedEvent {
  readonly event: JobsAgentEventName;
  readonly payload: JobsAgentEvents[JobsAgentEventName][0];
}

/** Records every event of an agent, in order. */
export function recordEvents(agent: JobsAgent): RecordedEvent[] {
  const events: RecordedEvent[] = [];
  for (const event of JOBS_AGENT_EVENT_NAMES) {
    agent.on(event, (payload: JobsAgentEvents[typeof event][0]) => events.push({ event, payload }));
  }
  return events;
}

/** The next `event` of an agent (typed), or a rejection after `timeoutMs`. */
export function nextAgentEvent<E extends JobsAgentEventName>(
  agent: JobsAgent,
  event: E,
  timeoutMs = 3_000,
): Promise<JobsAgentEvents[E][0]> {
  return new Promise((resolve, reject) => {
    const listener = (payload: JobsAgentEvents[E][0]): void => {
      clearTimeout(timer);
      resolve(payload);
    };
    const timer = setTimeout(() => {
      agent.off(event, listener);
      reject(new Error(`timed out after ${timeoutMs} ms waiting for "${event}"`));
    }, timeoutMs);
    agent.once(event, listener);
  });
}
