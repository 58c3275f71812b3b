import { describe, expect, it } from 'vitest';
import {
  FIELDS,
  copyPresent,
  differingFields,
  offersEveryHeldField,
  offersOnlyHeldValues,
  overlay,
} from '../../../src/cache/fields.js';
import type { JobExecution } from '../../../src/protocol/types.js';

/** Every field set, so a field a spelled-out function forgets shows up as missing. */
const full: JobExecution = {
  jobId: 'job-1',
  status: 'IN_PROGRESS',
  queuedAt: 1,
  startedAt: 2,
  lastUpdatedAt: 3,
  executionNumber: 4,
  versionNumber: 5,
  retryAttempt: 6,
  statusDetails: { step: 'a' },
  jobDocument: { operation: 'ota' },
  approximateSecondsBeforeTimedOut: 7,
};

/** `full` with one field changed (or, for the optional ones, dropped). */
function without(field: keyof JobExecution): JobExecution {
  if (field === 'jobId') return { ...full, jobId: 'job-2' };
  if (field === 'status') return { ...full, status: 'QUEUED' };
  return Object.fromEntries(Object.entries(full).filter(([key]) => key !== field)) as unknown as JobExecution;
}

describe('the spelled-out field functions', () => {
  it('list every field of JobExecution', () => {
    expect(Object.keys(full)).toEqual(FIELDS);
  });

  it('copy every field, in FIELDS order, and drop unknown ones', () => {
    const copy = copyPresent({ ...full, thingName: 'rpi' } as JobExecution);
    expect(Object.keys(copy)).toEqual(FIELDS);
    expect(copy).toEqual(full);
  });

  it('never copy an explicit undefined', () => {
    expect(
      Object.keys(
        copyPresent({ jobId: 'j', status: 'QUEUED', queuedAt: undefined } as unknown as JobExecution),
      ),
    ).toEqual(['jobId', 'status']);
  });

  it.each(FIELDS)('tell a difference in %s', (field) => {
    expect(differingFields(full, without(field))).toEqual([field]);
  });

  it.each(FIELDS.filter((field) => field !== 'jobId' && field !== 'status'))(
    'see that an observation without %s does not carry every held field',
    (field) => {
      expect(offersEveryHeldField(full, without(field))).toBe(false);
      expect(offersEveryHeldField(without(field), full)).toBe(true);
    },
  );

  it.each(FIELDS)('see that a different %s is not a held value', (field) => {
    const changed: unknown = {
      ...full,
      [field]: field === 'status' ? 'QUEUED' : field === 'jobId' ? 'x' : { other: 1 },
    };
    expect(offersOnlyHeldValues(full, changed as JobExecution)).toBe(false);
  });

  it('share held nested values that are equal, and keep new ones', () => {
    const merged = overlay(
      { ...full, statusDetails: { step: 'a' }, jobDocument: { operation: 'other' } },
      full,
    );
    expect(merged.statusDetails).toBe(full.statusDetails);
    expect(merged.jobDocument).toEqual({ operation: 'other' });
    expect(merged.jobDocument).not.toBe(full.jobDocument);
  });
});
