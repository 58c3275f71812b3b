import { CERTS_DIR } from '../../test/helpers/certs.js';
import { findMosquitto, startMosquitto } from '../../test/helpers/mosquitto.js';
import { Child } from './children.js';

export interface BenchBroker {
  readonly kind: 'mosquitto' | 'aedes';
  readonly port: number;
  /** Kills the broker and starts it again on the same port (mosquitto only). */
  readonly restart?: (() => Promise<void>) | undefined;
  close(): Promise<void>;
}

/**
 * mosquitto over mutual TLS (the test helper's), or aedes in a separate process when mosquitto is
 * not installed. Either way the broker's CPU is not counted against any subject.
 */
export async function startBenchBroker(): Promise<BenchBroker> {
  if (findMosquitto()) {
    const mosquitto = await startMosquitto();
    return {
      kind: 'mosquitto',
      port: mosquitto.port,
      restart: () => mosquitto.restart(),
      close: () => mosquitto.close(),
    };
  }
  const child = new Child<{ type: 'listening'; port: number }>('bench/children/aedes-broker.js', [
    JSON.stringify({ certsDir: CERTS_DIR }),
  ]);
  const { port } = await child.next('listening', 10_000);
  return { kind: 'aedes', port, close: () => child.stop() };
}
