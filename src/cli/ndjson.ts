import type { JobsAgent } from '../agent.js';
import { JOBS_AGENT_EVENT_NAMES, type JobsAgentEvents } from '../events.js';

/**
 * One event as one JSON line: `{"event":"executionAdded","at":"<ISO-8601>", ...payload}`.
 * The `error` event carries `code` and `message` (the error object itself is not serialisable).
 */
export function formatEventLine<E extends keyof JobsAgentEvents>(
  event: E,
  payload: JobsAgentEvents[E][0],
): string {
  const { at, ...rest } = payload;
  const fields: Record<string, unknown> = { ...rest };
  if (event === 'error') delete fields['error'];
  return `${JSON.stringify({ event, at: at.toISOString(), ...fields })}\n`;
}

/** Writes every agent event to `write` as NDJSON. */
export function pipeEventsAsNdjson(agent: JobsAgent, write: (line: string) => void): void {
  for (const event of JOBS_AGENT_EVENT_NAMES) {
    agent.on(event, (payload: JobsAgentEvents[typeof event][0]) => {
      write(formatEventLine(event, payload));
    });
  }
}
