import { describe, expect, it } from 'vitest';

import { JobCatalog } from '../../../src/simulator/job-catalog.js';

describe('JobCatalog', () => {
  it('keeps a job as created, not canceled', () => {
    const catalog = new JobCatalog();
    catalog.add({ jobId: 'a', document: { operation: 'x' }, targets: ['t1'], namespaceId: 'ns' }, 100);
    expect(catalog.get('a')).toEqual({
      job: { jobId: 'a', document: { operation: 'x' }, namespaceId: 'ns', createdAt: 100, targets: ['t1'] },
      canceled: false,
      order: 1,
    });
  });

  it('keeps the in-progress timeout of a job that has one', () => {
    const catalog = new JobCatalog();
    catalog.add({ jobId: 'a', document: {}, targets: ['t'], inProgressTimeoutInMinutes: 5 }, 100);
    expect(catalog.get('a')?.job.inProgressTimeoutInMinutes).toBe(5);
  });

  it('copies the targets it is given', () => {
    const catalog = new JobCatalog();
    const targets = ['t1'];
    catalog.add({ jobId: 'a', document: {}, targets }, 100);
    targets.push('t2');
    expect(catalog.get('a')?.job.targets).toEqual(['t1']);
  });

  it('numbers jobs in creation order and lists them in it', () => {
    const catalog = new JobCatalog();
    expect(catalog.add({ jobId: 'b', document: {}, targets: ['t'] }, 100)).toBe(1);
    expect(catalog.add({ jobId: 'a', document: {}, targets: ['t'] }, 100)).toBe(2);
    expect(catalog.all().map((entry) => entry.job.jobId)).toEqual(['b', 'a']);
  });

  it('marks a canceled job', () => {
    const catalog = new JobCatalog();
    catalog.add({ jobId: 'a', document: {}, targets: ['t'] }, 100);
    catalog.cancel('a');
    expect(catalog.get('a')?.canceled).toBe(true);
  });

  it('knows only the jobs it was given', () => {
    const catalog = new JobCatalog();
    catalog.add({ jobId: 'a', document: {}, targets: ['t'] }, 100);
    expect(catalog.has('a')).toBe(true);
    expect(catalog.has('b')).toBe(false);
    expect(catalog.get('b')).toBeUndefined();
  });
});
