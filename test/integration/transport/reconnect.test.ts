import { EventEmitter } from 'eventemitter3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/clock.js';
import { ConnectError } from '../../../src/errors.js';
import { MqttTransport } from '../../../src/transport/mqtt-transport.js';
import { ReconnectLoop } from '../../../src/transport/reconnect.js';
import type { ConnectResult } from '../../../src/transport/transport.js';
import { startBroker, type TestBroker } from '../../helpers/broker.js';
import { deviceTls, TEST_THING_NAME } from '../../helpers/certs.js';
import { nextEvent } from '../../helpers/events.js';

const topic = '$aws/things/test-thing/jobs/notify-next';

interface AgentEvents {
  connected: [result: ConnectResult];
  disconnected: [reason: string];
  message: [payload: string];
  attemptFailed: [error: unknown];
}

/** What the agent does: the transport reports drops to the loop; onConnected resubscribes when needed. */
function agentLike(url: string) {
  const events = new EventEmitter<AgentEvents>();
  const transport = new MqttTransport({
    url,
    clientId: TEST_THING_NAME,
    ...deviceTls(),
    connectTimeoutMs: 2_000,
    handlers: {
      onMessage: (_topic, payload) => events.emit('message', Buffer.from(payload).toString()),
      onDisconnect: (reason) => {
        events.emit('disconnected', reason);
        loop.disconnected();
      },
    },
  });
  const loop = new ReconnectLoop({
    connect: () => transport.connect(),
    clock: systemClock,
    random: Math.random,
    policy: { initialDelayMs: 50, maxDelayMs: 200, factor: 2 },
    onConnected: async (result) => {
      if (!result.sessionPresent) await transport.subscribe([topic]);
      events.emit('connected', result);
    },
    onAttemptFailed: (error) => events.emit('attemptFailed', error),
  });
  return { events, transport, loop };
}

let broker: TestBroker;
let agent: ReturnType<typeof agentLike>;

beforeEach(async () => {
  broker = await startBroker();
  agent = agentLike(broker.url);
});

afterEach(async () => {
  agent.loop.stop();
  await agent.transport.close();
  await broker.close();
});

async function startConnected(): Promise<void> {
  const connected = nextEvent(agent.events, 'connected', 5_000);
  agent.loop.start();
  await expect(connected).resolves.toEqual([{ sessionPresent: false }]);
}

describe('ReconnectLoop with MqttTransport', () => {
  it('reconnects after a network drop and finds its session kept', async () => {
    await startConnected();
    const reconnected = nextEvent(agent.events, 'connected', 5_000);
    broker.dropConnections();
    await expect(reconnected).resolves.toEqual([{ sessionPresent: true }]);
    expect(broker.peers).toEqual([TEST_THING_NAME, TEST_THING_NAME]);
  });

  it('receives messages again after a drop without resubscribing when the session was kept', async () => {
    await startConnected();
    const reconnected = nextEvent(agent.events, 'connected', 5_000);
    broker.dropConnections();
    await reconnected;
    const arrived = nextEvent(agent.events, 'message', 5_000);
    await broker.publish(topic, 'after drop');
    await expect(arrived).resolves.toEqual(['after drop']);
  });

  it('retries while the broker is down and resubscribes after a restart that lost the session', async () => {
    await startConnected();
    const reconnected = nextEvent(agent.events, 'connected', 10_000);
    await broker.restart();
    await expect(reconnected).resolves.toEqual([{ sessionPresent: false }]);
    const arrived = nextEvent(agent.events, 'message', 5_000);
    await broker.publish(topic, 'after restart');
    await expect(arrived).resolves.toEqual(['after restart']);
  });

  it('reports failed attempts as ConnectErrors while the broker is unreachable', async () => {
    await startConnected();
    await broker.close();
    const failed = nextEvent(agent.events, 'attemptFailed', 5_000);
    await expect(failed).resolves.toEqual([expect.any(ConnectError)]);
  });

  it('makes no attempt after stop, even when the connection then drops', async () => {
    await startConnected();
    agent.loop.stop();
    const lost = nextEvent(agent.events, 'disconnected', 5_000);
    broker.dropConnections();
    await lost;
    await new Promise((resolve) => setTimeout(resolve, 400)); // well past the 200 ms backoff cap
    expect(broker.peers).toHaveLength(1);
    expect(agent.transport.connected).toBe(false);
  });
});
