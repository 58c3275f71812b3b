/**
 * iot-jobs-agent as an AWS IoT Greengrass v2 component. The nucleus owns the MQTT connection and
 * the device certificate; the agent reaches AWS IoT Core through Greengrass IPC
 * (PublishToIoTCore / SubscribeToIoTCore), which `transport: "auto"` picks by itself when the
 * nucleus started it (SVCUID and AWS_GG_NUCLEUS_DOMAIN_SOCKET_FILEPATH_FOR_COMPONENT are set).
 * Reconcile credentials come from the token exchange service (`{ "source": "greengrass" }`).
 *
 * Needs aws-iot-device-sdk-v2 installed next to it (the optional peer dependency). Events go to
 * stdout, one JSON line each: the nucleus writes them to logs/com.example.IotJobsAgent.log.
 */
import { JobsAgent, JOBS_AGENT_EVENT_NAMES, createJsonLogger, type AgentOptions } from 'iot-jobs-agent';

// Both set by the nucleus for every component.
const thingName = process.env['AWS_IOT_THING_NAME'] ?? 'unknown-core-device';
const region = process.env['AWS_REGION'] ?? 'us-east-1';

// No `mqtt` section and no certificates: with greengrass-ipc the nucleus owns the connection.
const options = {
  thingName,
  transport: 'auto',
  reconcile: {
    endpoint: `https://iot.${region}.amazonaws.com`,
    region,
    intervalSeconds: 900,
    credentials: { source: 'greengrass' },
  },
  stateFile: 'state.json', // in the component's work folder
} as AgentOptions;

const agent = new JobsAgent(options, {
  logger: createJsonLogger((line) => process.stderr.write(line), 'info'),
});
for (const event of JOBS_AGENT_EVENT_NAMES) {
  agent.on(event, (payload: object) => {
    process.stdout.write(`${JSON.stringify({ event, ...payload })}\n`);
  });
}

const stop = (): void => {
  // The nucleus sends SIGTERM when it stops or updates the component.
  agent.stop().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);

await agent.start();
