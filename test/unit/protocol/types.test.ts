import { describe, expect, it } from 'vitest';
import {
  DEVICE_SETTABLE_STATUSES,
  isJobStatus,
  isTerminalStatus,
  JOB_STATUSES,
  TERMINAL_STATUSES,
} from '../../../src/protocol/types.js';

describe('job statuses', () => {
  it('lists the eight documented statuses', () => {
    expect([...JOB_STATUSES].sort()).toStrictEqual([
      'CANCELED',
      'FAILED',
      'IN_PROGRESS',
      'QUEUED',
      'REJECTED',
      'REMOVED',
      'SUCCEEDED',
      'TIMED_OUT',
    ]);
  });

  it.each(JOB_STATUSES)('knows %s', (status) => {
    expect(isJobStatus(status)).toBe(true);
  });

  it.each(['SCHEDULED', 'queued', '', 'IN PROGRESS'])('does not know "%s"', (status) => {
    expect(isJobStatus(status)).toBe(false);
  });

  it.each(['QUEUED', 'IN_PROGRESS', 'SCHEDULED', 'UNKNOWN'])('treats %s as non-terminal', (status) => {
    expect(isTerminalStatus(status)).toBe(false);
  });

  it.each(TERMINAL_STATUSES)('treats %s as terminal', (status) => {
    expect(isTerminalStatus(status)).toBe(true);
  });

  it('lets a device set only IN_PROGRESS, SUCCEEDED, FAILED and REJECTED', () => {
    expect([...DEVICE_SETTABLE_STATUSES].sort()).toStrictEqual([
      'FAILED',
      'IN_PROGRESS',
      'REJECTED',
      'SUCCEEDED',
    ]);
  });
});
