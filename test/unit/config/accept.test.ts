import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { acceptAgentOptions } from '../../../src/config/accept.js';
import {
  AGENT_RULES,
  JOBS_RULES,
  MQTT_RULES,
  RECONCILE_RULES,
  RECONNECT_RULES,
  REQUEST_RETRY_RULES,
  type NumberRule,
} from '../../../src/config/rules.js';
import { agentOptionsSchema } from '../../../src/config/zod-schema.js';

/**
 * The fast path against the zod schema on generated options, most of them almost valid: one
 * field at a boundary, of the wrong type, or unknown. The fast path may refuse what the schema
 * accepts (the schema then parses), but never the reverse, and what it accepts it must return
 * exactly as the schema does (defaults, keys given as undefined, Buffers kept).
 */

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

/**
 * Mostly `good`, now and then `bad`: about half the generated inputs have one bad value or two, so
 * the fast path's every check is tried with everything else valid.
 */
function mostly(good: fc.Arbitrary<unknown>, bad: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 40, arbitrary: good }, { weight: 1, arbitrary: bad });
}

/** Valid values (the boundaries among them) of a number option, and with `valid` false invalid ones. */
function numberArb(rule: NumberRule, valid: boolean): fc.Arbitrary<unknown> {
  const max = rule.max ?? rule.min + 1_000_000;
  const good = fc.oneof(
    fc.constantFrom(rule.min, max),
    rule.integer ? fc.integer({ min: rule.min, max }) : fc.double({ min: rule.min, max, noNaN: true }),
  );
  if (valid) return good;
  return mostly(
    good,
    fc.constantFrom(
      rule.min - 1,
      max + 1,
      rule.min + 0.5,
      Number.NaN,
      Infinity,
      -Infinity,
      2 ** 53,
      String(rule.min),
      null,
      undefined,
    ),
  );
}

/**
 * A record of `shape`, whose optional keys may each be left out. With `valid` false it is now and
 * then broken as a whole: a required key left out, an unknown key, or not an object at all.
 */
function fields(
  shape: Record<string, (valid: boolean) => fc.Arbitrary<unknown>>,
  valid: boolean,
  required: readonly string[] = [],
): fc.Arbitrary<unknown> {
  const arbs = Object.fromEntries(Object.entries(shape).map(([key, arb]) => [key, arb(valid)]));
  const record = fc.record(arbs, { requiredKeys: [...required] });
  if (valid) return record;
  return mostly(
    record,
    fc.oneof(
      record.map((value) => ({ ...value, unknownOption: 1 })),
      record.map((value) => Object.fromEntries(Object.entries(value).slice(1))),
      fc.constantFrom(null, undefined, [], 'x', new Map()),
    ),
  );
}

/** `arb` kept to `rule` (a rule across fields), and with `valid` false now and then not. */
function across(
  arb: fc.Arbitrary<unknown>,
  valid: boolean,
  rule: (value: Record<string, unknown>) => boolean,
): fc.Arbitrary<unknown> {
  const kept = arb.filter((value) => !isRecord(value) || rule(value));
  return valid ? kept : mostly(kept, arb);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const strings =
  (good: readonly unknown[], bad: readonly unknown[]) =>
  (valid: boolean): fc.Arbitrary<unknown> =>
    valid || bad.length === 0
      ? fc.constantFrom(...good)
      : mostly(fc.constantFrom(...good), fc.constantFrom(...bad));

const numbers = (rules: Record<string, NumberRule>) =>
  Object.fromEntries(
    Object.entries(rules).map(([key, rule]) => [key, (valid: boolean) => numberArb(rule, valid)]),
  );

const files = strings(['/certs/device.pem', 'certs/key.pem'], ['', 7, null, undefined]);
const pems = strings([PEM, Buffer.from(PEM)], ['', 3, null, undefined, [PEM]]);

const mqttArb = (valid: boolean): fc.Arbitrary<unknown> =>
  across(
    fields(
      {
        url: strings(
          ['mqtts://abc123-ats.iot.us-east-1.amazonaws.com:8883', 'mqtts://localhost:8883'],
          ['mqtt://broker:1883', 'not a url', '', 8883],
        ),
        caFile: files,
        certFile: files,
        keyFile: files,
        ca: pems,
        cert: pems,
        key: pems,
        keyPassphrase: strings(['', 'secret'], [1, null]),
        clientId: strings(['rpi-kitchen-01', 'a'.repeat(128)], ['', 'a/b', 'a+b', '#', 'a'.repeat(129)]),
        protocolVersion: strings([4, 5], [3, '4', null]),
        ...numbers(MQTT_RULES),
        reconnect: (ok) =>
          across(
            fields(numbers(RECONNECT_RULES), ok),
            ok,
            (value) => !(Number(value['maxDelayMs'] ?? 60_000) < Number(value['initialDelayMs'] ?? 1_000)),
          ),
      },
      valid,
      ['url'],
    ),
    valid,
    (mqtt) => {
      const one = (a: string, b: string) => (mqtt[a] === undefined) !== (mqtt[b] === undefined);
      return one('cert', 'certFile') && one('key', 'keyFile') && !(mqtt['ca'] && mqtt['caFile']);
    },
  );

const credentialsArb = (valid: boolean): fc.Arbitrary<unknown> =>
  fc.oneof(
    fields(
      {
        accessKeyId: strings(['AKIDEXAMPLE'], ['', 5]),
        secretAccessKey: strings(['secret'], ['', null]),
        sessionToken: strings(['token'], ['', 1]),
      },
      valid,
      ['accessKeyId', 'secretAccessKey'],
    ),
    fields(
      {
        source: strings(['static'], ['magic', undefined]),
        accessKeyId: strings(['AKIDEXAMPLE'], ['']),
        secretAccessKey: strings(['secret'], ['']),
      },
      valid,
      ['source', 'accessKeyId', 'secretAccessKey'],
    ),
    fields({ source: strings(['env', 'greengrass'], ['iot', null]) }, valid, ['source']),
    fields(
      {
        source: strings(['iot-credentials-provider'], []),
        endpoint: strings(
          ['https://x.credentials.iot.us-east-1.amazonaws.com', 'https://127.0.0.1:8443/base'],
          ['http://127.0.0.1:8443', 'x.credentials.iot.amazonaws.com', ''],
        ),
        roleAlias: strings(['jobs-reader', 'a'.repeat(128)], ['', 'a/b', 'a'.repeat(129)]),
      },
      valid,
      ['source', 'endpoint', 'roleAlias'],
    ),
  );

const reconcileArb = (valid: boolean): fc.Arbitrary<unknown> =>
  fields(
    {
      endpoint: strings(
        ['https://iot.us-east-1.amazonaws.com', 'http://127.0.0.1:4566', 'http://localhost:4566'],
        ['http://iot.us-east-1.amazonaws.com', 'https://user@iot.example.com', 'nope', 1],
      ),
      region: strings(['us-east-1', 'ap-southeast-2'], ['mars', '', 'US-EAST-1']),
      ...numbers(RECONCILE_RULES),
      credentials: credentialsArb,
    },
    valid,
    ['endpoint', 'region', 'credentials'],
  );

const jobsArb = (valid: boolean): fc.Arbitrary<unknown> =>
  fields(
    {
      ...numbers(JOBS_RULES),
      unhandledJobs: strings(['ignore', 'reject'], ['drop', null]),
      stateFile: strings(['/var/lib/agent/lifecycle.json'], ['']),
    },
    valid,
  );

const requestRetryArb = (valid: boolean): fc.Arbitrary<unknown> =>
  across(
    fields(numbers(REQUEST_RETRY_RULES), valid),
    valid,
    (value) => !(Number(value['maxDelayMs'] ?? 10_000) < Number(value['initialDelayMs'] ?? 200)),
  );

const optionsArb = (valid: boolean): fc.Arbitrary<unknown> =>
  fields(
    {
      thingName: strings(['rpi-kitchen-01', 'a'.repeat(128)], ['kitchen/#', '', 'a'.repeat(129), 42]),
      transport: strings(['auto', 'mqtt', 'crt', 'greengrass-ipc'], ['tcp', null]),
      namespaceId: strings(['fleet_1'], ['ns+1', '']),
      mqtt: mqttArb,
      reconcile: reconcileArb,
      stateFile: strings(['/var/lib/agent/state.json'], ['', 0]),
      jobs: jobsArb,
      requestRetry: requestRetryArb,
      ...numbers(AGENT_RULES),
    },
    valid,
    ['thingName'],
  );

describe('acceptAgentOptions', () => {
  it('returns exactly what the schema returns whenever it accepts', () => {
    fc.assert(
      fc.property(optionsArb(false), (input) => {
        const accepted = acceptAgentOptions(input);
        if (accepted === undefined) return;
        const parsed = agentOptionsSchema().safeParse(input);
        expect(parsed.success).toBe(true);
        expect(accepted).toStrictEqual(parsed.data);
      }),
      { numRuns: 4_000 },
    );
  });

  it('accepts every well-formed input', () => {
    fc.assert(
      fc.property(optionsArb(true), (input) => {
        expect(acceptAgentOptions(input)).toBeDefined();
      }),
      { numRuns: 1_000 },
    );
  });

  it('keeps a Buffer given as certificate content', () => {
    const cert = Buffer.from(PEM);
    const accepted = acceptAgentOptions({
      thingName: 't',
      mqtt: { url: 'mqtts://localhost:8883', cert, keyFile: '/certs/key.pem' },
    });
    expect(accepted?.mqtt?.cert).toBe(cert);
  });

  it('refuses an object that is not a plain one, leaving it to the schema', () => {
    class Options {
      readonly thingName = 't';
    }
    expect(acceptAgentOptions(new Options())).toBeUndefined();
    expect(acceptAgentOptions([])).toBeUndefined();
    expect(acceptAgentOptions(null)).toBeUndefined();
  });
});
