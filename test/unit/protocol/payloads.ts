import { readFileSync } from 'node:fs';

const FIXTURES = new URL('../../fixtures/payloads/', import.meta.url);

/** The raw bytes of a fixture in test/fixtures/payloads/, as they would arrive over MQTT. */
export function fixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(name, FIXTURES)));
}

/** UTF-8 bytes of a string or of a value serialized as JSON. */
export function bytes(value: unknown): Uint8Array {
  return new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value));
}

/** A fixture parsed as JSON, to derive variants from. */
export function fixtureJson(name: string): Record<string, unknown> {
  return JSON.parse(new TextDecoder().decode(fixture(name))) as Record<string, unknown>;
}
