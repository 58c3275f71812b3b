import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import {
  cancelExecutions,
  deleteExecutions,
  listExecutionsWithBoto,
  seedJobs,
  startMoto,
  type MotoServer,
} from '../helpers/moto.js';

// The harness the moto interop tests stand on: if these fail, the other moto tests say nothing.
describe('moto_server harness', () => {
  let moto: MotoServer;

  beforeAll(async () => {
    moto = await startMoto();
  });

  afterAll(async () => {
    await moto.stop();
  });

  beforeEach(async () => {
    await moto.reset();
  });

  it('seeds a thing with queued executions of numbered jobs', async () => {
    const seeded = await seedJobs(moto.endpoint, 'harness-thing', 3);
    expect(seeded.thingArn).toMatch(/:thing\/harness-thing$/);
    expect(seeded.jobIds).toEqual(['job-0000', 'job-0001', 'job-0002']);
    const listing = await listExecutionsWithBoto(moto.endpoint, 'harness-thing');
    expect(listing.executions.map((e) => [e.jobId, e.status])).toEqual([
      ['job-0000', 'QUEUED'],
      ['job-0001', 'QUEUED'],
      ['job-0002', 'QUEUED'],
    ]);
  });

  it('cancels executions so a listing shows them CANCELED', async () => {
    await seedJobs(moto.endpoint, 'harness-thing', 3);
    await cancelExecutions(moto.endpoint, 'harness-thing', ['job-0001']);
    const canceled = await listExecutionsWithBoto(moto.endpoint, 'harness-thing', { status: 'CANCELED' });
    expect(canceled.executions.map((e) => e.jobId)).toEqual(['job-0001']);
  });

  it('deletes executions so a listing no longer contains them', async () => {
    await seedJobs(moto.endpoint, 'harness-thing', 3);
    await deleteExecutions(moto.endpoint, 'harness-thing', ['job-0000', 'job-0002']);
    const listing = await listExecutionsWithBoto(moto.endpoint, 'harness-thing');
    expect(listing.executions.map((e) => e.jobId)).toEqual(['job-0001']);
  });

  it('forgets everything on reset', async () => {
    await seedJobs(moto.endpoint, 'harness-thing', 2);
    await moto.reset();
    const listing = await listExecutionsWithBoto(moto.endpoint, 'harness-thing');
    expect(listing.executions).toEqual([]);
  });

  it('refuses a thing name with a colon, which moto would file under another name', async () => {
    await expect(seedJobs(moto.endpoint, 'harness:thing', 1)).rejects.toThrow(/contains ':'/);
  });
});
