/**
 * The agent on a Raspberry Pi: tracks this device's AWS IoT Jobs executions and logs every event
 * as one JSON line on stdout (journald keeps them). It runs no job handlers (that API comes
 * later); put your own reaction where the comments say so.
 *
 *   node dist/agent.js /etc/iot-jobs-agent/agent.config.json
 */
import { readFileSync } from 'node:fs';
import { JobsAgent, JOBS_AGENT_EVENT_NAMES, createJsonLogger, type AgentOptions } from 'iot-jobs-agent';

const configPath = process.argv[2] ?? '/etc/iot-jobs-agent/agent.config.json';
// Validated by the agent itself (unknown keys, bad names and unreadable certificates are ConfigErrors).
const options = JSON.parse(readFileSync(configPath, 'utf8')) as AgentOptions;

const agent = new JobsAgent(options, {
  logger: createJsonLogger((line) => process.stderr.write(line), 'info'),
});

for (const event of JOBS_AGENT_EVENT_NAMES) {
  agent.on(event, (payload: object) => {
    process.stdout.write(`${JSON.stringify({ event, ...payload })}\n`);
  });
}

agent.on('executionAdded', ({ execution }) => {
  // A new job for this device: this is where a handler would start working on it.
  console.error(`job ${execution.jobId} is ${execution.status}`);
});

const stop = (): void => {
  // systemd sends SIGTERM on `systemctl stop`; the agent unsubscribes and flushes its state file.
  agent.stop().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);

await agent.start();
