import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startBroker, type TestBroker } from '../../helpers/broker.js';
import { TEST_THING_NAME } from '../../helpers/certs.js';
import { runCli, startCli, writeConfig } from '../../helpers/cli.js';
import { FakeJobsService } from '../../helpers/fake-jobs-service.js';

const mqttConfig = (broker: TestBroker) => ({
  url: broker.url,
  caFile: 'ca.pem',
  certFile: 'device.pem',
  keyFile: 'device.key',
});

describe('iot-jobs-agent run', () => {
  let broker: TestBroker;

  beforeEach(async () => {
    broker = await startBroker();
    new FakeJobsService(broker, TEST_THING_NAME);
  });

  afterEach(async () => {
    await broker.close();
  });

  it('prints events as NDJSON and exits 0 after a graceful stop on SIGTERM', async () => {
    const config = writeConfig(() => ({ thingName: TEST_THING_NAME, mqtt: mqttConfig(broker) }));
    const cli = startCli(['run', '--config', config]);
    const connected = JSON.parse(await cli.waitForLine((line) => line.includes('"connected"'))) as Record<
      string,
      unknown
    >;
    expect(connected).toMatchObject({ event: 'connected', sessionPresent: false });
    expect(new Date(String(connected['at'])).toISOString()).toBe(connected['at']);

    await broker.publish(
      `$aws/things/${TEST_THING_NAME}/jobs/notify-next`,
      JSON.stringify({
        execution: { jobId: 'fw-1', status: 'QUEUED', queuedAt: 1_700_000_000, versionNumber: 1 },
      }),
    );
    const added = JSON.parse(await cli.waitForLine((line) => line.includes('"executionAdded"'))) as Record<
      string,
      unknown
    >;
    expect(added).toMatchObject({
      event: 'executionAdded',
      source: 'notify-next',
      execution: { jobId: 'fw-1', status: 'QUEUED' },
    });

    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
    expect(cli.stderr()).toContain('"msg":"stopped"');
    for (const line of cli.lines) expect(() => JSON.parse(line) as unknown).not.toThrow();
  });

  it.each([
    [
      'an unknown key',
      () => ({ thingName: TEST_THING_NAME, mqtt: mqttConfig(broker), colour: 'blue' }),
      'colour: is not a known option',
    ],
    ['a bad thing name', () => ({ thingName: 'kitchen/+', mqtt: mqttConfig(broker) }), 'thingName: must be'],
    [
      'a missing certificate file',
      () => ({ thingName: TEST_THING_NAME, mqtt: { ...mqttConfig(broker), certFile: 'nope.pem' } }),
      'mqtt.certFile: cannot read',
    ],
  ])('exits 2 naming the field for %s', async (_name, config, expected) => {
    const path = writeConfig(config);
    const result = await runCli(['run', '--config', path]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(expected);
    expect(result.stdout).toBe('');
  });

  it('exits 2 when the config file is not JSON or not there', async () => {
    const missing = await runCli(['run', '--config', '/nonexistent/agent.json']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--config: cannot read /nonexistent/agent.json (ENOENT)');
    const noConfig = await runCli(['run']);
    expect(noConfig.code).toBe(2);
    expect(noConfig.stderr).toContain('--config FILE is required');
  });

  it('exits 1 with a connect error when the broker is unreachable', async () => {
    const port = broker.port;
    await broker.close();
    const config = writeConfig(() => ({
      thingName: TEST_THING_NAME,
      mqtt: { ...mqttConfig(broker), url: `mqtts://localhost:${port}`, connectTimeoutMs: 2_000 },
    }));
    const result = await runCli(['run', '--config', config]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('ERR_CONNECT');
    broker = await startBroker();
  });
});
