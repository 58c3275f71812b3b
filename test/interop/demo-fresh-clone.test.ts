import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_MILESTONES, milestonesReached } from '../helpers/demo-events.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

/**
 * What a new user does: clone, `npm ci`, `npm start -- --once`. Needs git and the npm registry
 * (or npm's cache), so it lives with the interop tests. It runs what is committed (HEAD).
 */
describe('a fresh clone', () => {
  const dir = mkdtempSync(join(tmpdir(), 'iot-jobs-agent-clone-'));

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    'installs with npm ci and runs npm start -- --once to exit 0 with the demo events',
    { timeout: 300_000 },
    async () => {
      execFileSync('git', ['clone', '--quiet', '--depth', '1', `file://${REPO}`, dir], { stdio: 'pipe' });
      execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: dir, stdio: 'pipe' });
      const child = spawn('npm', ['start', '--', '--once'], { cwd: dir, env: { ...process.env, CI: '1' } });
      let stdout = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      const events = stdout.split('\n').filter((line) => line.startsWith('{'));
      expect(code).toBe(0);
      expect(milestonesReached(events)).toBe(DEMO_MILESTONES.length);
    },
  );
});
