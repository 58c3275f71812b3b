import { describe, expect, it } from 'vitest';
import { RejectedError } from '../../../src/errors.js';
import type { UpdateReply } from '../../../src/protocol/messages.js';
import type { JobExecution } from '../../../src/protocol/types.js';
import { JobsClient } from '../../../src/requests/jobs-client.js';
import type { JobsRequester } from '../../../src/requests/jobs-requester.js';
import { sendStatusUpdate } from '../../../src/requests/status-updater.js';
import { ManualClock } from '../../helpers/manual-clock.js';

type UpdateCall = Parameters<JobsRequester['update']>[1];

/** A JobsClient over a scripted requester: each update/describe answer is taken from a list. */
function scripted(
  updates: (UpdateReply | RejectedError)[],
  describes: (JobExecution | RejectedError)[] = [],
) {
  const sent: UpdateCall[] = [];
  const observed: JobExecution[] = [];
  const requester = {
    update: (_jobId: string, request: UpdateCall) => {
      sent.push(request);
      const next = updates.shift();
      return next instanceof RejectedError || next === undefined
        ? Promise.reject(next ?? new Error('unscripted'))
        : Promise.resolve(next);
    },
    describe: () => {
      const next = describes.shift();
      return next instanceof RejectedError || next === undefined
        ? Promise.reject(next ?? new Error('unscripted'))
        : Promise.resolve(next);
    },
  } as unknown as JobsRequester;
  const client = new JobsClient({
    requester,
    clock: new ManualClock(),
    random: () => 0,
    retry: { initialDelayMs: 1, maxDelayMs: 1, factor: 1, maxAttempts: 1 },
    observe: (executions) => observed.push(...executions),
  });
  return { client, sent, observed };
}

const mismatch = (state: object) => new RejectedError('update j', 'VersionMismatch', 'stale', state);

describe('sendStatusUpdate', () => {
  it('sends expectedVersion and asks for the resulting state, which it merges', async () => {
    const { client, sent, observed } = scripted([
      { executionState: { status: 'IN_PROGRESS', versionNumber: 3 } },
    ]);
    const result = await sendStatusUpdate(client, {
      jobId: 'j',
      status: 'IN_PROGRESS',
      expectedVersion: 2,
      executionNumber: 1,
    });
    expect(sent[0]).toMatchObject({ expectedVersion: 2, executionNumber: 1, includeJobExecutionState: true });
    expect(result).toEqual({ state: { status: 'IN_PROGRESS', versionNumber: 3 }, alreadyApplied: false });
    expect(observed).toEqual([{ jobId: 'j', status: 'IN_PROGRESS', executionNumber: 1, versionNumber: 3 }]);
  });

  it('re-reads on VersionMismatch and retries once against the version read', async () => {
    const { client, sent } = scripted(
      [
        mismatch({ status: 'IN_PROGRESS', versionNumber: 5 }),
        { executionState: { status: 'SUCCEEDED', versionNumber: 6 } },
      ],
      [{ jobId: 'j', status: 'IN_PROGRESS', versionNumber: 5, executionNumber: 1 }],
    );
    await sendStatusUpdate(client, {
      jobId: 'j',
      status: 'SUCCEEDED',
      expectedVersion: 3,
      executionNumber: 1,
    });
    expect(sent.map((r) => r.expectedVersion)).toEqual([3, 5]);
  });

  it('gives up after a second VersionMismatch', async () => {
    const { client, sent } = scripted(
      [
        mismatch({ status: 'IN_PROGRESS', versionNumber: 5 }),
        mismatch({ status: 'IN_PROGRESS', versionNumber: 6 }),
      ],
      [{ jobId: 'j', status: 'IN_PROGRESS', versionNumber: 5 }],
    );
    await expect(
      sendStatusUpdate(client, { jobId: 'j', status: 'SUCCEEDED', expectedVersion: 3 }),
    ).rejects.toMatchObject({
      rejectedCode: 'VersionMismatch',
    });
    expect(sent).toHaveLength(2);
  });

  it('counts the update as applied when the mismatching state already shows it', async () => {
    const { client, sent } = scripted([
      mismatch({ status: 'SUCCEEDED', versionNumber: 4, statusDetails: { r: 'ok' } }),
    ]);
    const result = await sendStatusUpdate(client, {
      jobId: 'j',
      status: 'SUCCEEDED',
      statusDetails: { r: 'ok' },
      expectedVersion: 3,
    });
    expect(result.alreadyApplied).toBe(true);
    expect(sent).toHaveLength(1);
  });

  it('does not retry when the re-read finds the execution terminal', async () => {
    const { client, sent } = scripted(
      [mismatch({ status: 'CANCELED', versionNumber: 4 })],
      [new RejectedError('describe j', 'TerminalStateReached')],
    );
    await expect(
      sendStatusUpdate(client, { jobId: 'j', status: 'SUCCEEDED', expectedVersion: 3 }),
    ).rejects.toMatchObject({
      rejectedCode: 'VersionMismatch',
      executionState: { status: 'CANCELED' },
    });
    expect(sent).toHaveLength(1);
  });

  it('does not retry against another execution number', async () => {
    const { client, sent } = scripted(
      [mismatch({ status: 'QUEUED', versionNumber: 1 })],
      [{ jobId: 'j', status: 'QUEUED', versionNumber: 1, executionNumber: 2 }],
    );
    await expect(
      sendStatusUpdate(client, { jobId: 'j', status: 'SUCCEEDED', expectedVersion: 3, executionNumber: 1 }),
    ).rejects.toBeInstanceOf(RejectedError);
    expect(sent).toHaveLength(1);
  });
});
