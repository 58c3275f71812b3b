import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobsAgent } from '../../../src/agent.js';
import { testAgentOptions } from '../../helpers/agent.js';
import { startBroker, type TestBroker } from '../../helpers/broker.js';
import { TEST_THING_NAME } from '../../helpers/certs.js';
import { waitUntil } from '../../helpers/events.js';
import { FakeJobsService } from '../../helpers/fake-jobs-service.js';
import { fuzzMessages, validExecution, type FuzzMessage } from '../../unit/fuzz/payloads.js';

/**
 * 10,000 fuzzed messages (random bytes, wrong types, deep nesting, huge strings, other things'
 * topics, ~5% valid notify-next) published by the broker itself (QoS 1) to a real agent over
 * mutual TLS. The agent must not crash or disconnect, must hold exactly the valid executions,
 * report the rest as errors, and not keep what it dropped.
 */

const COUNT = 10_000;
const messages = fuzzMessages(TEST_THING_NAME, 'other-thing', COUNT, 20_240_601);
const valid = messages.filter((m): m is FuzzMessage & { adds: string } => m.adds !== undefined);

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function heapAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

describe('a barrage of 10,000 fuzzed payloads', () => {
  let broker: TestBroker;
  let agent: JobsAgent;
  // Counted, not recorded: keeping 10,000 error events would measure the test's memory, not the agent's.
  const added: string[] = [];
  const counts = { protocolErrors: 0, otherErrors: 0, disconnected: 0 };
  let heapBefore: number;
  let heapAfter: number;

  beforeAll(async () => {
    broker = await startBroker();
    const service = new FakeJobsService(broker, TEST_THING_NAME);
    agent = new JobsAgent(testAgentOptions(broker));
    agent.on('executionAdded', ({ execution, source }) => added.push(`${execution.jobId} from ${source}`));
    agent.on('error', ({ code }) => {
      if (code === 'ERR_PROTOCOL') counts.protocolErrors++;
      else counts.otherErrors++;
    });
    agent.on('disconnected', () => counts.disconnected++);
    await agent.start();
    // Known to the service only now (the pending list at start was empty), so any describe the
    // agent sends finds them, yet only the messages themselves can have added them.
    valid.forEach((m, index) => service.executions.set(m.adds, validExecution(m.adds, index)));
    heapBefore = heapAfterGc();
    for (const message of messages) {
      await new Promise<void>((resolve, reject) => {
        broker.aedes.publish(
          {
            cmd: 'publish',
            topic: message.topic,
            payload: Buffer.from(message.payload),
            qos: 1,
            retain: false,
            dup: false,
          },
          (error) => {
            if (error) reject(error);
            else resolve();
          },
        );
      });
    }
    await waitUntil(() => agent.executions().length >= valid.length, 20_000, 'every valid execution');
    heapAfter = heapAfterGc();
  }, 60_000);

  afterAll(async () => {
    await agent.stop();
    await broker.close();
  });

  it('holds exactly the executions of the valid messages', () => {
    expect(
      agent
        .executions()
        .map((e) => e.jobId)
        .sort(),
    ).toEqual(valid.map((m) => m.adds).sort());
  });

  it('emits one executionAdded per valid message, from that notify-next', () => {
    expect([...added].sort()).toEqual(valid.map((m) => `${m.adds} from notify-next`).sort());
  });

  it('reports every invalid message on its own topics as an ERR_PROTOCOL error', () => {
    const invalidOwn = messages.filter(
      (m) => m.adds === undefined && m.kind !== "another thing's topic",
    ).length;
    expect([counts.protocolErrors, counts.otherErrors]).toEqual([invalidOwn, 0]);
  });

  it('stays connected throughout', () => {
    expect([agent.state, counts.disconnected]).toEqual(['running', 0]);
  });

  it('keeps the heap within 32 MiB of where it started', () => {
    expect(heapAfter - heapBefore).toBeLessThan(32 * 1024 * 1024);
  });

  it('still handles a notification sent after the barrage', async () => {
    const execution = validExecution('after-barrage', valid.length + 1);
    await broker.publish(`$aws/things/${TEST_THING_NAME}/jobs/notify-next`, JSON.stringify({ execution }));
    await waitUntil(() => agent.execution('after-barrage') !== undefined, 5_000, 'the final notification');
    expect(agent.execution('after-barrage')?.status).toBe('QUEUED');
  });
});
