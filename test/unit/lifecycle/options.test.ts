import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.js';
import { resolveLifecycleOptions } from '../../../src/lifecycle/options.js';

const DEFAULTS = {
  concurrency: 1,
  progressIntervalMs: 1_000,
  unhandledJobs: 'ignore',
  abortGraceMs: 10_000,
  stopDrainMs: 5_000,
};

function problemOf(options: object): string {
  try {
    resolveLifecycleOptions(options);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  return 'accepted';
}

describe('resolveLifecycleOptions', () => {
  it('gives the defaults when nothing is set', () => {
    expect(resolveLifecycleOptions()).toEqual(DEFAULTS);
  });

  it('keeps every well-formed option and defaults the rest', () => {
    const valid = fc.record(
      {
        concurrency: fc.integer({ min: 1, max: 64 }),
        progressIntervalMs: fc.integer({ min: 0, max: 3_600_000 }),
        unhandledJobs: fc.constantFrom('ignore' as const, 'reject' as const),
        abortGraceMs: fc.integer({ min: 0, max: 3_600_000 }),
        stopDrainMs: fc.integer({ min: 0, max: 600_000 }),
        stateFile: fc.string({ minLength: 1 }),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(valid, (options) => {
        expect(resolveLifecycleOptions(options)).toEqual({ ...DEFAULTS, ...options });
      }),
    );
  });

  it('treats an explicit undefined as not set', () => {
    expect(resolveLifecycleOptions({ concurrency: undefined })).toEqual(DEFAULTS);
  });

  it.each([
    [{ concurrency: 0 }, 'lifecycle.concurrency'],
    [{ concurrency: 1.5 }, 'lifecycle.concurrency'],
    [{ concurrency: 65 }, 'lifecycle.concurrency'],
    [{ progressIntervalMs: -1 }, 'lifecycle.progressIntervalMs'],
    [{ abortGraceMs: Number.NaN }, 'lifecycle.abortGraceMs'],
    [{ stopDrainMs: 600_001 }, 'lifecycle.stopDrainMs'],
    [{ stopDrainMs: '5' }, 'lifecycle.stopDrainMs'],
    [{ unhandledJobs: 'fail' }, 'lifecycle.unhandledJobs'],
    [{ stateFile: '' }, 'lifecycle.stateFile'],
    [{ concurency: 2 }, 'lifecycle.concurency'],
  ])('refuses %j, naming %s', (options, field) => {
    expect(problemOf(options)).toContain(field);
  });
});
