/**
 * The port between the agent and whatever carries MQTT (MQTT.js today; the AWS CRT and Greengrass
 * IPC later). Implementations wrap every library error in a typed JobsAgentError and never let a
 * raw library 'error' event escape. They do not reconnect by themselves: the agent owns reconnect
 * (see reconnect.ts) so that backoff, jitter and time are the agent's and testable.
 */
export interface ConnectResult {
  /** CONNACK's session present flag: false means the broker kept no subscriptions. */
  readonly sessionPresent: boolean;
}

export interface TransportHandlers {
  /** Every inbound PUBLISH, in arrival order. Must not throw (the transport guards it anyway). */
  onMessage(topic: string, payload: Uint8Array): void;
  /** The connection was lost or closed by the peer (not by close()). */
  onDisconnect(reason: string): void;
}

export interface JobsTransport {
  /**
   * Opens the connection (or re-opens it after a disconnect). Resolves on CONNACK; rejects with a
   * ConnectError within the configured connect timeout when TLS is refused, the broker is
   * unreachable or CONNACK refuses. Never hangs.
   */
  connect(): Promise<ConnectResult>;
  /** QoS 1 subscriptions, at most 8 filters per SUBSCRIBE; resolves once every SUBACK granted them. */
  subscribe(filters: readonly string[]): Promise<void>;
  unsubscribe(filters: readonly string[]): Promise<void>;
  /** QoS 1 publish; resolves on PUBACK. Rejects with TransportError when not connected. */
  publish(topic: string, payload: string): Promise<void>;
  /** Graceful close: DISCONNECT, then the socket. Idempotent. */
  close(): Promise<void>;
  readonly connected: boolean;
}

/** Builds a transport bound to the agent's handlers. */
export type TransportFactory = (handlers: TransportHandlers) => JobsTransport;
