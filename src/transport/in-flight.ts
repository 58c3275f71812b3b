import { JobsAgentError, TransportError, describeError } from '../errors.js';

/**
 * The acked operations (PUBACK, SUBACK, UNSUBACK) awaited on a transport's current connection.
 * Each one rejects as soon as the connection drops or the transport closes (rejectAll), so none
 * waits for an ack that will never come: MQTT.js would keep the QoS 1 publishes of a clean: false
 * client pending forever, and the CRT's can wait out its own timeouts. Shared by MqttTransport
 * and LinkTransport; the per-message path does not come through here.
 */
export class InFlight {
  /** Rejecters of the operations awaiting an ack. */
  readonly #rejecters = new Set<(error: Error) => void>();

  /** How many operations are awaiting an ack. */
  get size(): number {
    return this.#rejecters.size;
  }

  /**
   * Runs one acked operation on `connection`, which is undefined when the transport is not
   * connected (a TransportError then, and `operation` is not called). A failure that is not a
   * JobsAgentError becomes a TransportError naming `what` ("publish to a/b").
   */
  async run<C, T>(
    what: string,
    connection: C | undefined,
    operation: (connection: C) => Promise<T>,
  ): Promise<T> {
    if (connection === undefined) throw new TransportError(`cannot ${what}: not connected`);
    let rejecter: ((error: Error) => void) | undefined;
    const dropped = new Promise<never>((_, reject) => {
      rejecter = reject;
    });
    if (rejecter) this.#rejecters.add(rejecter);
    try {
      return await Promise.race([operation(connection), dropped]);
    } catch (error) {
      if (error instanceof JobsAgentError) throw error;
      throw new TransportError(`cannot ${what}: ${describeError(error)}`, { cause: error });
    } finally {
      if (rejecter) this.#rejecters.delete(rejecter);
    }
  }

  /** Rejects every operation awaiting an ack with `error` (the connection dropped or closed). */
  rejectAll(error: Error): void {
    for (const reject of this.#rejecters) reject(error);
    this.#rejecters.clear();
  }
}
