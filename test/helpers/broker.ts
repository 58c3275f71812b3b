import { once } from 'node:events';
import type { AddressInfo, Socket } from 'node:net';
import { createServer, type Server, type TLSSocket } from 'node:tls';
import { Aedes, type AedesOptions } from 'aedes';
import { EventEmitter } from 'eventemitter3';
import { testCerts } from './certs.js';

/** A PUBLISH a client sent to the broker. */
export interface ReceivedMessage {
  readonly clientId: string;
  readonly topic: string;
  readonly payload: string;
  readonly qos: number;
}

export interface TestBrokerEvents {
  /** A client PUBLISH reached the broker. */
  publish: [message: ReceivedMessage];
  /** A client's SUBSCRIBE was processed (before its SUBACK is written). */
  subscribe: [filters: string[], clientId: string];
  /** A client completed CONNECT/CONNACK. */
  clientReady: [clientId: string];
  /** A client's connection went away. */
  clientDisconnect: [clientId: string];
  /** A TLS handshake failed (e.g. an untrusted client certificate). */
  tlsClientError: [error: Error];
}

export interface TestBroker {
  /** The current aedes instance (a new one after restart()). */
  readonly aedes: Aedes;
  readonly host: '127.0.0.1';
  readonly port: number;
  /** `mqtts://localhost:PORT`: the server certificate's DNS SAN, so SNI and hostname checks run. */
  readonly url: string;
  /** Subject CN of every client certificate the TLS server accepted, in order. */
  readonly peers: string[];
  /** SNI of every accepted TLS connection, in order (`false`: the client sent none). */
  readonly servernames: (string | false)[];
  /** Every PUBLISH clients sent, in arrival order (kept across restarts). */
  readonly received: ReceivedMessage[];
  readonly events: EventEmitter<TestBrokerEvents>;
  /** Destroys every open socket without DISCONNECT: a network drop as the client sees it. */
  dropConnections(): void;
  /** A service-side PUBLISH (QoS 1) to whoever subscribed. */
  publish(topic: string, payload: string): Promise<void>;
  /** Stops and listens again on the same port with a fresh aedes: no session survives. */
  restart(): Promise<void>;
  /** Closes aedes and the TLS server; idempotent. */
  close(): Promise<void>;
}

/** Hooks forwarded to every aedes instance (e.g. `authorizeSubscribe`, `authenticate`). */
export type TestBrokerOptions = Pick<
  AedesOptions,
  'authorizeSubscribe' | 'authenticate' | 'authorizePublish'
>;

/**
 * An in-process aedes (MQTT 3.1.1 only) behind a mutual-TLS server on 127.0.0.1, port 0, that
 * trusts only the test CA, like AWS IoT trusts only registered certificates.
 */
export async function startBroker(options: TestBrokerOptions = {}): Promise<TestBroker> {
  const certs = testCerts();
  const events = new EventEmitter<TestBrokerEvents>();
  const peers: string[] = [];
  const servernames: (string | false)[] = [];
  const received: ReceivedMessage[] = [];
  const sockets = new Set<Socket>();
  let aedes = await createAedes(options, events, received);
  let closed = false;

  const server: Server = createServer(
    {
      key: certs.server.key,
      cert: certs.server.cert,
      ca: certs.ca.cert,
      requestCert: true,
      rejectUnauthorized: true,
    },
    (socket: TLSSocket) => {
      peers.push(String(socket.getPeerCertificate().subject.CN));
      servernames.push(socket.servername ?? false);
      aedes.handle(socket);
    },
  );
  // Track raw TCP sockets too, so drops and closes also cut connections mid-handshake.
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('tlsClientError', (error: Error) => {
    events.emit('tlsClientError', error);
  });

  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;

  const dropConnections = (): void => {
    for (const socket of sockets) socket.destroy();
  };

  const stop = async (): Promise<void> => {
    dropConnections();
    await new Promise<void>((resolve) => {
      aedes.close(() => {
        resolve();
      });
    });
    await new Promise<void>((resolve) => {
      server.close(() => {
        resolve();
      });
    });
  };

  return {
    get aedes() {
      return aedes;
    },
    host: '127.0.0.1',
    port,
    url: `mqtts://localhost:${port}`,
    peers,
    servernames,
    received,
    events,
    dropConnections,
    publish(topic, payload) {
      return new Promise((resolve, reject) => {
        aedes.publish(
          { cmd: 'publish', topic, payload: Buffer.from(payload), qos: 1, retain: false, dup: false },
          (error) => {
            if (error) reject(error);
            else resolve();
          },
        );
      });
    },
    async restart() {
      if (closed) throw new Error('broker is closed');
      await stop();
      aedes = await createAedes(options, events, received);
      server.listen(port, '127.0.0.1');
      await once(server, 'listening');
    },
    async close() {
      if (closed) return;
      closed = true;
      await stop();
    },
  };
}

async function createAedes(
  options: TestBrokerOptions,
  events: EventEmitter<TestBrokerEvents>,
  received: ReceivedMessage[],
): Promise<Aedes> {
  const aedes = await Aedes.createBroker(options);
  aedes.on('publish', (packet, client) => {
    if (!client) return; // aedes's own $SYS traffic and service-side publishes
    const message: ReceivedMessage = {
      clientId: client.id,
      topic: packet.topic,
      payload: Buffer.from(packet.payload).toString('utf8'),
      qos: packet.qos,
    };
    received.push(message);
    events.emit('publish', message);
  });
  aedes.on('subscribe', (subscriptions, client) => {
    events.emit(
      'subscribe',
      subscriptions.map((s) => s.topic),
      client.id,
    );
  });
  aedes.on('clientReady', (client) => events.emit('clientReady', client.id));
  aedes.on('clientDisconnect', (client) => events.emit('clientDisconnect', client.id));
  // aedes re-emits client errors; without a listener a dropped socket would be an uncaught error.
  aedes.on('clientError', () => undefined);
  aedes.on('connectionError', () => undefined);
  return aedes;
}
