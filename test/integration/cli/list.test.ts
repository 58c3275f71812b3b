import { afterEach, describe, expect, it } from 'vitest';
import { TEST_THING_NAME } from '../../helpers/certs.js';
import { runCli, writeConfig } from '../../helpers/cli.js';
import { awsError, page, startListServer, type ListServer } from '../../helpers/list-server.js';

describe('iot-jobs-agent list', () => {
  let server: ListServer | undefined;

  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  const configFor = (endpoint: string, extra: Record<string, unknown> = {}): string =>
    writeConfig(() => ({
      thingName: TEST_THING_NAME,
      mqtt: {
        url: 'mqtts://localhost:8883',
        caFile: 'ca.pem',
        certFile: 'device.pem',
        keyFile: 'device.key',
      },
      reconcile: {
        endpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'AKID', secretAccessKey: 'TOPSECRETKEY' },
      },
      ...extra,
    }));

  it('follows every page and prints one executionSummaries document', async () => {
    server = await startListServer((url) =>
      url.searchParams.get('nextToken') === 'a/b+c='
        ? page([{ jobId: 'j2', status: 'IN_PROGRESS', queuedAt: 2.5, executionNumber: 1 }])
        : page([{ jobId: 'j1', status: 'QUEUED', queuedAt: 1.25, executionNumber: 1 }], 'a/b+c='),
    );
    const result = await runCli([
      'list',
      '--config',
      configFor(server.endpoint),
      '--max-results',
      '1',
      '--status',
      'QUEUED',
    ]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      executionSummaries: [
        { jobId: 'j1', jobExecutionSummary: { status: 'QUEUED', queuedAt: 1.25, executionNumber: 1 } },
        { jobId: 'j2', jobExecutionSummary: { status: 'IN_PROGRESS', queuedAt: 2.5, executionNumber: 1 } },
      ],
    });
    expect(server.targets).toEqual([
      `/things/${TEST_THING_NAME}/jobs?maxResults=1&status=QUEUED`,
      `/things/${TEST_THING_NAME}/jobs?maxResults=1&nextToken=a%2Fb%2Bc%3D&status=QUEUED`,
    ]);
  });

  it('exits 1 on a service error, naming the AWS error type, without leaking the secret', async () => {
    server = await startListServer(() => awsError(404, 'ResourceNotFoundException', 'Thing not found'));
    const result = await runCli(['list', '--config', configFor(server.endpoint)]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('ResourceNotFoundException');
    expect(result.stderr).not.toContain('TOPSECRETKEY');
  });

  it.each([
    [['--status', 'DONE'], 'status'],
    [['--max-results', '251'], 'maxResults'],
    [['--max-results', 'ten'], '--max-results'],
    [['--job-id', 'a/b'], 'jobId'],
  ])('exits 2 on bad input %j and sends no request', async (args, field) => {
    server = await startListServer(() => page([]));
    const result = await runCli(['list', '--config', configFor(server.endpoint), ...args]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(field);
    expect(server.targets).toEqual([]);
  });

  it('exits 2 when the config has no reconcile section', async () => {
    const path = writeConfig(() => ({
      thingName: TEST_THING_NAME,
      mqtt: {
        url: 'mqtts://localhost:8883',
        caFile: 'ca.pem',
        certFile: 'device.pem',
        keyFile: 'device.key',
      },
    }));
    const result = await runCli(['list', '--config', path]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('reconcile: is required for list');
  });
});
