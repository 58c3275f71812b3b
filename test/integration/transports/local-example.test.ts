import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runLocalExample } from '../../../examples/local/agent.js';

// Examples import the package by name; tsconfig maps it to src/index.ts, vitest needs telling.
vi.mock('iot-jobs-agent', () => import('../../../src/index.js'));

let stateDir: string | undefined;

afterEach(async () => {
  if (stateDir) await rm(stateDir, { recursive: true, force: true });
  stateDir = undefined;
});

describe('examples/local', () => {
  it('tracks a job created in the simulator and reconciles it over HTTP', async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'local-example-'));
    const lines: string[] = [];
    const result = await runLocalExample({ stateDir, log: (line) => lines.push(line) });
    expect(result.events[0]).toBe('connected');
    expect(result.events).toContain('executionAdded');
    expect(lines.filter((line) => line.startsWith('{"event":"error"'))).toEqual([]);
    expect(result.executions).toEqual([expect.objectContaining({ jobId: 'hello-1', status: 'QUEUED' })]);
    expect(result.reconciledTotal).toBe(1);
    expect(lines.some((line) => line.includes('"hello-1"'))).toBe(true);
  });
});
