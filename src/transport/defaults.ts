/**
 * The defaults the transports' options share. Each option's doc states its default as well
 * (`@default 60`); these constants are where the code reads them, so the transports cannot drift
 * apart.
 */

/** PINGREQ interval in seconds: a half-open connection is noticed within ~1.5 minutes. */
export const DEFAULT_KEEPALIVE_SECONDS = 60;

/** connect() settles within this many milliseconds, whatever the network does. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/** MQTT 5: how long the broker keeps the session after a disconnect, in seconds. */
export const DEFAULT_SESSION_EXPIRY_SECONDS = 3600;

/** Bound on the graceful part of close() (acks, DISCONNECT), in milliseconds. */
export const DEFAULT_CLOSE_TIMEOUT_MS = 5_000;
