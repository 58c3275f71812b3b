import { describe, expect, it } from 'vitest';

import { ConfigError } from '../../../src/errors.js';
import { missingSdk, sdkPayloadBytes } from '../../../src/transport/crt-sdk.js';

describe('missingSdk', () => {
  it('tells a CRT user how to install the SDK or which transport needs nothing more', () => {
    const cause = new Error("Cannot find package 'aws-iot-device-sdk-v2'");
    const error = missingSdk(cause);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toContain(
      '"crt" needs the optional peer dependency aws-iot-device-sdk-v2: ' +
        'run `npm install aws-iot-device-sdk-v2` (or choose transport "mqtt") (',
    );
    expect(error.cause).toBe(cause);
  });

  it('tells a Greengrass IPC user how to install the SDK, with no alternative', () => {
    const error = missingSdk(new Error('gone'), 'greengrass-ipc');
    expect(error.message).toContain(
      '"greengrass-ipc" needs the optional peer dependency aws-iot-device-sdk-v2: ' +
        'run `npm install aws-iot-device-sdk-v2` (',
    );
    expect(error.message).not.toContain('choose transport');
  });
});

describe('sdkPayloadBytes', () => {
  it('wraps an ArrayBuffer', () => {
    const buffer = new Uint8Array([1, 2, 3]).buffer;
    expect([...sdkPayloadBytes(buffer)]).toEqual([1, 2, 3]);
  });

  it('wraps only the viewed part of a view, without copying', () => {
    const whole = new Uint8Array([0, 1, 2, 3, 4]);
    const bytes = sdkPayloadBytes(new DataView(whole.buffer, 1, 3));
    expect([...bytes]).toEqual([1, 2, 3]);
    expect(bytes.buffer).toBe(whole.buffer);
  });

  it('encodes a string as UTF-8', () => {
    expect([...sdkPayloadBytes('é')]).toEqual([0xc3, 0xa9]);
  });

  it('makes anything else empty', () => {
    expect(sdkPayloadBytes(undefined)).toHaveLength(0);
  });
});
