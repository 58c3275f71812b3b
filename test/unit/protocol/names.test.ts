import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  isJobId,
  isNamespaceId,
  isThingName,
  jobIdProblem,
  namespaceIdProblem,
  NEXT_JOB_ID,
  thingNameProblem,
} from '../../../src/protocol/names.js';

describe('thing names', () => {
  it.each(['t', 'rpi-kitchen-01', 'a:b_c-D9', 'x'.repeat(128)])('accepts "%s"', (name) => {
    expect(thingNameProblem(name)).toBeUndefined();
    expect(isThingName(name)).toBe(true);
  });

  it.each(['', 'x'.repeat(129), 'a/b', 'a+b', 'a#b', 'a b', 'a.b', '$aws', 'é'])(
    'rejects "%s" with a reason',
    (name) => {
      expect(thingNameProblem(name)).toMatch(/1-128 characters/);
      expect(isThingName(name)).toBe(false);
    },
  );
});

describe('job ids', () => {
  it.each(['j', 'job_1-A', 'j'.repeat(64)])('accepts "%s"', (jobId) => {
    expect(jobIdProblem(jobId)).toBeUndefined();
    expect(isJobId(jobId)).toBe(true);
  });

  it.each(['', 'j'.repeat(65), 'a:b', 'a/b', '+', '#', 'a b', NEXT_JOB_ID])(
    'rejects "%s" with a reason',
    (jobId) => {
      expect(jobIdProblem(jobId)).toMatch(/1-64 characters/);
      expect(isJobId(jobId)).toBe(false);
    },
  );
});

describe('namespace ids', () => {
  it.each(['aws-gg-deployment', 'ns_1', 'n'.repeat(300)])('accepts "%s"', (namespaceId) => {
    expect(namespaceIdProblem(namespaceId)).toBeUndefined();
    expect(isNamespaceId(namespaceId)).toBe(true);
  });

  it.each(['', 'a:b', 'a/b', 'a b', '+', '#'])('rejects "%s" with a reason', (namespaceId) => {
    expect(namespaceIdProblem(namespaceId)).toMatch(/letters, digits/);
    expect(isNamespaceId(namespaceId)).toBe(false);
  });
});

it('names the describe pseudo job id $next', () => {
  expect(NEXT_JOB_ID).toBe('$next');
});

describe('the job id check', () => {
  // The service model's pattern; isJobId spells it out as a loop for speed.
  const JOB_ID_PATTERN = /^[a-zA-Z0-9_-]{1,64}$/;
  const nearIds = fc.string({
    unit: fc.constantFrom(...'aZ09_-./$# é\u0000\uD800'.split('')),
    maxLength: 70,
  });

  it('agrees with the service model pattern on every string', () => {
    fc.assert(
      fc.property(fc.oneof(nearIds, fc.string({ maxLength: 70 }), fc.string({ unit: 'binary' })), (value) => {
        expect(isJobId(value)).toBe(JOB_ID_PATTERN.test(value));
      }),
      { numRuns: 2000 },
    );
  });
});
