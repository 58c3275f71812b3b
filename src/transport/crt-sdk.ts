import type * as AwsIotSdk from 'aws-iot-device-sdk-v2';
import { ConfigError, describeError } from '../errors.js';

/**
 * The optional peer dependency behind the CRT and Greengrass IPC transports: which package it
 * is, loading it (only when one of them is chosen), the ConfigError that says how to install it,
 * and reading the payloads its clients hand over.
 */

/** The part of `aws-iot-device-sdk-v2` the CRT transport uses (the SDK re-exports aws-crt's). */
export type CrtSdk = Pick<typeof AwsIotSdk, 'iot' | 'io' | 'mqtt' | 'mqtt5'>;

/** The part of `aws-iot-device-sdk-v2` the Greengrass IPC transport uses. */
export type IpcSdk = Pick<typeof AwsIotSdk, 'greengrasscoreipc'>;

/** The package to install; named in the ConfigError when it is missing. */
export const CRT_SDK_PACKAGE = 'aws-iot-device-sdk-v2';

let sdkLoad: Promise<CrtSdk> | undefined;

/** Loads aws-iot-device-sdk-v2 once, or fails with a ConfigError that says how to install it. */
export function loadCrtSdk(): Promise<CrtSdk> {
  sdkLoad ??= import('aws-iot-device-sdk-v2').then(
    (sdk): CrtSdk => sdk,
    (error: unknown) => {
      sdkLoad = undefined;
      throw missingSdk(error);
    },
  );
  return sdkLoad;
}

/** Loads aws-iot-device-sdk-v2 for the Greengrass IPC transport, or fails as loadCrtSdk does. */
export async function loadIpcSdk(): Promise<IpcSdk> {
  try {
    return await import('aws-iot-device-sdk-v2');
  } catch (error) {
    throw missingSdk(error, 'greengrass-ipc');
  }
}

/**
 * @internal exported for tests: what a failed import of the SDK becomes, for the `transport`
 * that needed it. The CRT transport's also names the alternative that needs nothing more.
 */
export function missingSdk(error: unknown, transport: 'crt' | 'greengrass-ipc' = 'crt'): ConfigError {
  const alternative = transport === 'crt' ? ' (or choose transport "mqtt")' : '';
  return ConfigError.forField(
    'transport',
    `"${transport}" needs the optional peer dependency ${CRT_SDK_PACKAGE}: run \`npm install ${CRT_SDK_PACKAGE}\`` +
      `${alternative} (${describeError(error)})`,
    { cause: error },
  );
}

/**
 * An inbound payload of the SDK's clients as bytes: an ArrayBuffer or a view of one (the CRT's
 * MQTT 5 client, the IPC client), a string (decoded as UTF-8); anything else is empty. A view is
 * wrapped, not copied.
 */
export function sdkPayloadBytes(payload: unknown): Uint8Array {
  if (payload instanceof ArrayBuffer) return new Uint8Array(payload);
  if (ArrayBuffer.isView(payload))
    return new Uint8Array(payload.buffer, payload.byteOffset, payload.byteLength);
  if (typeof payload === 'string') return Buffer.from(payload, 'utf8');
  return new Uint8Array(0);
}
