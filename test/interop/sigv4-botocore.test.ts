import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { listUrl } from '../../src/http/list-request.js';
import { createSigV4Signer } from '../../src/http/signer.js';
import { JOB_STATUSES } from '../../src/protocol/types.js';

/**
 * Our signer against botocore's SigV4Auth, computed live by python3 (botocore is installed on
 * these machines). Inputs are generated from a fixed seed: thing names with `:`, next tokens
 * with `/`, `+` and `=`, optional session tokens, several regions and dates.
 */

const SCRIPT = fileURLToPath(new URL('../fixtures/sigv4/botocore_sign.py', import.meta.url));
const hasBotocore = spawnSync('python3', ['-c', 'import botocore'], { stdio: 'ignore' }).status === 0;

interface BotocoreInput {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly region: string;
  readonly service: string;
  readonly signingDate: string;
}

interface BotocoreOutput {
  readonly botocore: string;
  readonly results: readonly { authorization: string; canonicalRequest: string }[];
}

function botocoreSign(inputs: readonly BotocoreInput[]): BotocoreOutput {
  const run = spawnSync('python3', [SCRIPT], { input: JSON.stringify(inputs), encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`botocore_sign.py failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as BotocoreOutput;
}

async function ourSignature(input: BotocoreInput): Promise<string | undefined> {
  const signer = createSigV4Signer({ region: input.region, service: input.service });
  const headers = await signer.sign(
    { method: input.method, url: new URL(input.url), headers: input.headers },
    {
      accessKeyId: input.accessKeyId,
      secretAccessKey: input.secretAccessKey,
      sessionToken: input.sessionToken,
    },
    Date.parse(input.signingDate),
  );
  return headers['authorization'];
}

const thingName = fc.stringMatching(/^[a-zA-Z0-9:_-]{1,40}$/);
const token = fc
  .uint8Array({ minLength: 1, maxLength: 48 })
  .map((bytes) => Buffer.from(bytes).toString('base64'));
const listing = fc.record({
  thingName,
  nextToken: fc.option(token, { nil: undefined }),
  status: fc.option(fc.constantFrom(...JOB_STATUSES), { nil: undefined }),
  maxResults: fc.option(fc.integer({ min: 1, max: 250 }), { nil: undefined }),
  namespaceId: fc.option(fc.stringMatching(/^[a-zA-Z0-9_-]{1,20}$/), { nil: undefined }),
  jobId: fc.option(fc.stringMatching(/^[a-zA-Z0-9_-]{1,64}$/), { nil: undefined }),
  sessionToken: fc.option(token, { nil: undefined }),
  region: fc.constantFrom('us-east-1', 'eu-west-1', 'ap-southeast-2', 'cn-north-1'),
  endpoint: fc.constantFrom(
    'https://iot.us-east-1.amazonaws.com',
    'http://127.0.0.1:15000',
    'https://localhost:8443',
  ),
  signingDate: fc
    .integer({
      min: Date.parse('2020-01-01T00:00:00Z') / 1000,
      max: Date.parse('2035-01-01T00:00:00Z') / 1000,
    })
    .map((seconds) => new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z')),
});

describe.skipIf(!hasBotocore)('SigV4 against botocore', () => {
  it('signs generated ListJobExecutionsForThing requests exactly as botocore does', async () => {
    const samples = fc.sample(listing, { seed: 20260115, numRuns: 40 });
    const inputs: BotocoreInput[] = samples.map((sample) => ({
      method: 'GET',
      url: listUrl(sample.endpoint, sample.thingName, sample).toString(),
      headers: {},
      accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
      secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      ...(sample.sessionToken === undefined ? {} : { sessionToken: sample.sessionToken }),
      region: sample.region,
      service: 'iot',
      signingDate: sample.signingDate,
    }));
    // the generated set does exercise the encodings this test is about
    expect(inputs.some((i) => i.url.includes('%3A'))).toBe(true);
    expect(inputs.some((i) => /nextToken=[^&]*%2F/.test(i.url) && /nextToken=[^&]*%2B/.test(i.url))).toBe(
      true,
    );
    const expected = botocoreSign(inputs).results;
    for (const [index, input] of inputs.entries()) {
      expect({ url: input.url, authorization: await ourSignature(input) }).toEqual({
        url: input.url,
        authorization: expected[index]?.authorization,
      });
    }
  });

  it('still computes the stored golden signatures', () => {
    const golden = JSON.parse(
      readFileSync(new URL('../fixtures/sigv4/iot-golden.json', import.meta.url), 'utf8'),
    ) as { cases: { input: BotocoreInput; expected: { authorization: string } }[] };
    const live = botocoreSign(golden.cases.map((c) => c.input)).results;
    expect(live.map((r) => r.authorization)).toEqual(golden.cases.map((c) => c.expected.authorization));
  });
});
