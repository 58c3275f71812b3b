import { describe, expect, it, vi } from 'vitest';
import { resolveAgentOptions } from '../../../src/config/resolve.js';
import * as zodLoader from '../../../src/zod-loader.js';

const { loadZod } = zodLoader;

vi.mock('../../../src/zod-loader.js', async (importOriginal) => {
  const actual = await importOriginal<typeof zodLoader>();
  return { loadZod: vi.fn(actual.loadZod) };
});

const PEM = Buffer.from('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
const valid = {
  thingName: 'rpi-kitchen-01',
  mqtt: { url: 'mqtts://localhost:8883', cert: PEM, key: PEM, ca: PEM },
  reconcile: {
    endpoint: 'https://iot.us-east-1.amazonaws.com',
    region: 'us-east-1',
    credentials: { source: 'env' },
  },
};

describe('resolveAgentOptions and zod', () => {
  it('validates well-formed options without loading zod', () => {
    expect(resolveAgentOptions(valid).thingName).toBe('rpi-kitchen-01');
    expect(loadZod).not.toHaveBeenCalled();
  });

  it('loads zod to name the field of bad options', () => {
    expect(() => resolveAgentOptions({ ...valid, thingName: 'kitchen/#' })).toThrow(/thingName: must be/);
    expect(loadZod).toHaveBeenCalled();
  });
});
