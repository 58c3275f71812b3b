import { describe, expect, it } from 'vitest';

import type { JobExecution } from '../../../src/protocol/types.js';
import { NextWatch } from '../../../src/tracking/next-watch.js';

const head = (fields: Partial<JobExecution> = {}): JobExecution => ({
  jobId: 'job-a',
  status: 'QUEUED',
  executionNumber: 1,
  versionNumber: 1,
  ...fields,
});

describe('NextWatch', () => {
  it('reports nothing while the queue stays empty', () => {
    expect(new NextWatch().changed(null)).toBeUndefined();
  });

  it('reports the first head, and the queue emptying', () => {
    const watch = new NextWatch();
    const first = head();
    expect(watch.changed(first)).toBe(first);
    expect(watch.changed(null)).toBeNull();
  });

  it.each([
    ['job id', { jobId: 'job-b' }],
    ['execution number', { executionNumber: 2 }],
    ['status', { status: 'IN_PROGRESS' as const }],
  ])('reports a head whose %s changed', (_field, fields) => {
    const watch = new NextWatch();
    watch.changed(head());
    const changed = head(fields);
    expect(watch.changed(changed)).toBe(changed);
  });

  it('ignores a head whose other fields changed (progress, version, timestamps)', () => {
    const watch = new NextWatch();
    watch.changed(head());
    expect(
      watch.changed(head({ versionNumber: 7, statusDetails: { progress: '50' }, lastUpdatedAt: 99 })),
    ).toBeUndefined();
  });
});
