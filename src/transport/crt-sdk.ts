import type * as AwsIotSdk from 'aws-iot-device-sdk-v2';
import { ConfigError, describeError } from '../errors.js';

/**
 * The optional peer dependency behind the CRT transport: which package it is, loading it once
 * (only when the transport is chosen), and the ConfigError that says how to install it.
 */

/** The part of `aws-iot-device-sdk-v2` the CRT transport uses (the SDK re-exports aws-crt's). */
export type CrtSdk = Pick<typeof AwsIotSdk, 'iot' | 'io' | 'mqtt' | 'mqtt5'>;

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

/** @internal exported for tests: what a failed import of the SDK becomes. */
export function missingSdk(error: unknown): ConfigError {
  return ConfigError.forField(
    'transport',
    `"crt" needs the optional peer dependency ${CRT_SDK_PACKAGE}: run \`npm install ${CRT_SDK_PACKAGE}\` ` +
      `(or choose transport "mqtt") (${describeError(error)})`,
    { cause: error },
  );
}
