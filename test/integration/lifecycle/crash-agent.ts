/**
 * A device that gets killed mid-job (run by restart.test.ts as a child process): it takes the
 * `flash` job, saves a checkpoint, says so on stdout, and then hangs until SIGKILL arrives.
 * argv[2]: JSON `{ "options": AgentOptions }`.
 */
import { JobsAgent } from '../../../src/agent.js';
import type { AgentOptions } from '../../../src/config/schema.js';

const { options } = JSON.parse(process.argv[2] ?? '{}') as { options: AgentOptions };
const agent = new JobsAgent(options, {}, { progressIntervalMs: 0 });
agent.handle('flash', async ({ saveCheckpoint, progress }) => {
  progress({ block: '3' });
  await saveCheckpoint({ blocksWritten: 3 });
  process.stdout.write('checkpointed\n');
  await new Promise(() => undefined); // hangs: the parent kills this process here
});
await agent.start();
process.stdout.write('started\n');
