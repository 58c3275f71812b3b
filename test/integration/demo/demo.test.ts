import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { demoCommand } from '../../../src/cli/demo.js';
import { DEMO_MILESTONES, milestonesReached } from '../../helpers/demo-events.js';

describe('iot-jobs-agent demo --once', () => {
  it('runs the script against the simulator and prints the expected events as NDJSON', async () => {
    const lines: string[] = [];
    const narration: string[] = [];
    const code = await demoCommand({
      once: true,
      stateDir: mkdtempSync(join(tmpdir(), 'iot-jobs-demo-')),
      pretty: false,
      stdout: (line) => lines.push(...line.split('\n').filter(Boolean)),
      stderr: (line) => narration.push(line),
      stopSignal: new Promise(() => undefined),
      stepDelayMs: 0,
    });
    expect(code).toBe(0);
    expect(milestonesReached(lines)).toBe(DEMO_MILESTONES.length);
    expect(lines.filter((line) => line.includes('"event":"error"'))).toEqual([]);
    expect(narration.join('')).toContain('# Stopping');
  });
});
