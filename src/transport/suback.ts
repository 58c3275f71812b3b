import { TransportError } from '../errors.js';

/**
 * How the MQTT transports (MQTT.js, the AWS CRT's MQTT 5 client) split a subscription into
 * SUBSCRIBE packets and read the SUBACK: AWS IoT takes at most 8 filters per SUBSCRIBE, and a
 * return code (3.1.1) or reason code (5) from 0x80 up refuses its filter [MQTT-3.9.3].
 */

/** AWS IoT: at most 8 subscriptions per SUBSCRIBE. */
export const SUBSCRIBE_BATCH = 8;

/** SUBACK codes from 0x80 up are failures (128 in 3.1.1; reason codes in 5). */
const SUBACK_FAILURE = 0x80;

/** The filters in SUBSCRIBE-sized batches, in order. */
export function subscribeBatches(filters: readonly string[]): string[][] {
  const batches: string[][] = [];
  for (let i = 0; i < filters.length; i += SUBSCRIBE_BATCH)
    batches.push(filters.slice(i, i + SUBSCRIBE_BATCH));
  return batches;
}

/** The filters of `batch` whose SUBACK code (same position in `codes`) is a failure or missing. */
export function refusedFilters(batch: readonly string[], codes: readonly unknown[]): string[] {
  return batch.filter((_, index) => {
    const code = codes[index];
    return typeof code !== 'number' || code >= SUBACK_FAILURE;
  });
}

/** The error a subscribe rejects with when the broker refused some of its filters. */
export function refusedSubscription(filters: readonly string[]): TransportError {
  return new TransportError(`the broker refused the subscription to ${filters.join(', ')}`);
}
