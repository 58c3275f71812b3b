import { EventEmitter } from 'eventemitter3';
import { describe, expect, it } from 'vitest';
import { assembleAgent } from '../../../src/agent-assembly.js';
import { MemoryExecutionCache } from '../../../src/cache/memory-cache.js';
import type { JobsAgentEvents } from '../../../src/events.js';
import { ManualClock } from '../../helpers/manual-clock.js';
import { testAgentOptions } from '../../helpers/agent.js';
import { TEST_THING_NAME } from '../../helpers/certs.js';

/** Parts over a saved cache; nothing connects (start() is not called). */
function partsWithSavedCache() {
  const emitter = new EventEmitter<JobsAgentEvents>();
  const cache = new MemoryExecutionCache({
    thingName: TEST_THING_NAME,
    executions: [{ jobId: 'saved', status: 'QUEUED', queuedAt: 1, versionNumber: 1, executionNumber: 1 }],
    savedAt: 0,
  });
  const parts = assembleAgent(
    emitter,
    testAgentOptions({ url: 'mqtts://127.0.0.1:1' }),
    {
      clock: new ManualClock(5_000),
      cache,
    },
    {},
  );
  return { emitter, parts };
}

describe('assembleAgent', () => {
  it('publishes the executions of the saved cache as added, stamped by the clock', async () => {
    const { emitter, parts } = partsWithSavedCache();
    const added: JobsAgentEvents['executionAdded'][0][] = [];
    emitter.on('executionAdded', (event) => added.push(event));
    await parts.loadCache();
    expect(added.map((event) => [event.execution.jobId, event.at.getTime()])).toEqual([['saved', 5_000]]);
  });

  it('puts the restored executions in the table', async () => {
    const { parts } = partsWithSavedCache();
    await parts.loadCache();
    expect(parts.table.get('saved')?.status).toBe('QUEUED');
  });

  it('routes an error of a listener to the error event instead of the caller', async () => {
    const { emitter, parts } = partsWithSavedCache();
    const errors: string[] = [];
    emitter.on('executionAdded', () => {
      throw new Error('listener bug');
    });
    emitter.on('error', (event) => errors.push(event.code));
    await parts.loadCache();
    expect(errors).toEqual(['ERR_LISTENER']);
  });
});
