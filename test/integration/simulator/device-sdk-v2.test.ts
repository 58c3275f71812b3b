import { iot, iotjobs, mqtt } from 'aws-iot-device-sdk-v2';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Simulator } from '../../../src/simulator/simulator.js';
import { useSimulator } from './sim-client.js';

/**
 * Compatibility with a client nobody here wrote: the AWS IoT Device SDK v2's MQTT 3.1.1 jobs
 * client (aws-crt) runs get-pending, start-next, describe and update against the simulator and
 * parses the replies into its own model types.
 */

const simulator = useSimulator();
let sim: Simulator;
let connection: mqtt.MqttClientConnection;
let jobs: iotjobs.IotJobsClient;

const thingName = 'thing-1';
const QOS = mqtt.QoS.AtLeastOnce;

beforeEach(async () => {
  sim = await simulator.start();
  const { certFile, keyFile } = sim.certificatePaths.deviceCertificate(thingName);
  const port = Number(new URL(sim.mqttUrl).port);
  const config = iot.AwsIotMqttConnectionConfigBuilder.new_mtls_builder_from_path(certFile, keyFile)
    .with_certificate_authority_from_path(undefined, sim.certificatePaths.ca)
    .with_endpoint('127.0.0.1')
    .with_port(port)
    .with_client_id(thingName)
    .with_clean_session(true)
    .build();
  connection = new mqtt.MqttClient().new_connection(config);
  connection.on('error', () => undefined); // rejected promises are also emitted as 'error'
  await connection.connect();
  jobs = new iotjobs.IotJobsClient(connection);
  sim.createJob({ jobId: 'job-a', document: { operation: 'hello' }, targets: [thingName] });
});
// Runs before useSimulator's own afterEach (hooks unwind in reverse), so before the simulator closes.
afterEach(async () => {
  await connection.disconnect();
});

/** Subscribes to an accepted topic and resolves with the first response it parses. */
function firstResponse<T>(
  subscribe: (handler: (error?: iotjobs.IotJobsError, response?: T) => void) => Promise<unknown>,
): { subscribed: Promise<unknown>; response: Promise<T> } {
  let subscribed: Promise<unknown> = Promise.resolve();
  const response = new Promise<T>((resolve, reject) => {
    subscribed = subscribe((error, value) => {
      if (error || value === undefined) reject(error ?? new Error('empty response'));
      else resolve(value);
    });
  });
  return { subscribed, response };
}

describe('simulator with the AWS IoT Device SDK v2 jobs client', () => {
  it('answers GetPendingJobExecutions in the shape the SDK parses', async () => {
    const { subscribed, response } = firstResponse<iotjobs.model.GetPendingJobExecutionsResponse>((h) =>
      jobs.subscribeToGetPendingJobExecutionsAccepted({ thingName }, QOS, h),
    );
    await subscribed;
    await jobs.publishGetPendingJobExecutions({ thingName, clientToken: 'sdk-1' }, QOS);
    const reply = await response;
    expect(reply.clientToken).toBe('sdk-1');
    expect(reply.queuedJobs?.map((j) => j.jobId)).toEqual(['job-a']);
  });

  it('starts the next execution with StartNextPendingJobExecution', async () => {
    const { subscribed, response } = firstResponse<iotjobs.model.StartNextJobExecutionResponse>((h) =>
      jobs.subscribeToStartNextPendingJobExecutionAccepted({ thingName }, QOS, h),
    );
    await subscribed;
    await jobs.publishStartNextPendingJobExecution({ thingName, stepTimeoutInMinutes: 5 }, QOS);
    const reply = await response;
    expect(reply.execution).toMatchObject({
      jobId: 'job-a',
      status: 'IN_PROGRESS',
      jobDocument: { operation: 'hello' },
    });
  });

  it('describes an execution with DescribeJobExecution', async () => {
    const { subscribed, response } = firstResponse<iotjobs.model.DescribeJobExecutionResponse>((h) =>
      jobs.subscribeToDescribeJobExecutionAccepted({ thingName, jobId: 'job-a' }, QOS, h),
    );
    await subscribed;
    await jobs.publishDescribeJobExecution({ thingName, jobId: 'job-a', includeJobDocument: true }, QOS);
    const reply = await response;
    expect(reply.execution).toMatchObject({ jobId: 'job-a', status: 'QUEUED', versionNumber: 1 });
  });

  it('updates an execution with UpdateJobExecution', async () => {
    const { subscribed, response } = firstResponse<iotjobs.model.UpdateJobExecutionResponse>((h) =>
      jobs.subscribeToUpdateJobExecutionAccepted({ thingName, jobId: 'job-a' }, QOS, h),
    );
    await subscribed;
    await jobs.publishUpdateJobExecution(
      {
        thingName,
        jobId: 'job-a',
        status: iotjobs.model.JobStatus.SUCCEEDED,
        expectedVersion: 1,
        includeJobExecutionState: true,
      },
      QOS,
    );
    const reply = await response;
    expect(reply.executionState).toMatchObject({ status: 'SUCCEEDED', versionNumber: 2 });
  });

  it('delivers a rejection the SDK parses as RejectedErrorResponse', async () => {
    const { subscribed, response } = firstResponse<iotjobs.model.RejectedErrorResponse>((h) =>
      jobs.subscribeToUpdateJobExecutionRejected({ thingName, jobId: 'job-a' }, QOS, h),
    );
    await subscribed;
    await jobs.publishUpdateJobExecution(
      { thingName, jobId: 'job-a', status: iotjobs.model.JobStatus.SUCCEEDED, expectedVersion: 7 },
      QOS,
    );
    const reply = await response;
    expect(reply.code).toBe('VersionMismatch');
    expect(reply.executionState).toMatchObject({ status: 'QUEUED', versionNumber: 1 });
  });

  it('publishes NextJobExecutionChanged events the SDK parses', async () => {
    sim.cancelJob('job-a');
    const { subscribed, response } = firstResponse<iotjobs.model.NextJobExecutionChangedEvent>((h) =>
      jobs.subscribeToNextJobExecutionChangedEvents({ thingName }, QOS, h),
    );
    await subscribed;
    sim.createJob({ jobId: 'job-b', document: { operation: 'next' }, targets: [thingName] });
    const event = await response;
    expect(event.execution).toMatchObject({
      jobId: 'job-b',
      status: 'QUEUED',
      jobDocument: { operation: 'next' },
    });
  });
});
