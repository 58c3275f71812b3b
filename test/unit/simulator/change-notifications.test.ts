import { describe, expect, it } from 'vitest';

import { ChangeNotifications } from '../../../src/simulator/change-notifications.js';
import { ExecutionRecords, setRecordStatus } from '../../../src/simulator/execution-records.js';

function setup(): { records: ExecutionRecords; notifications: ChangeNotifications } {
  const records = new ExecutionRecords();
  const notifications = new ChangeNotifications({
    records: () => records.inOrder(),
    nowSeconds: () => 1_000,
    listLimit: 15,
    documentOf: (jobId) => ({ operation: jobId }),
  });
  return { records, notifications };
}

const kinds = (list: readonly { kind: string }[]): string[] => list.map((n) => n.kind);

describe('ChangeNotifications', () => {
  it('returns the notify and notify-next that a new execution causes', () => {
    const { records, notifications } = setup();
    const caused = notifications.track([], () => {
      records.queue('thing', 'job', undefined, 900, 1);
    });
    expect(kinds(caused)).toEqual(['notify', 'notify-next']);
    expect(caused[1]).toMatchObject({
      scope: { thingName: 'thing' },
      payload: { timestamp: 1_000, execution: { jobId: 'job', jobDocument: { operation: 'job' } } },
    });
  });

  it('returns nothing for a change that leaves the queues alone', () => {
    const { records, notifications } = setup();
    records.queue('thing', 'job', undefined, 900, 1);
    expect(notifications.track([], () => undefined)).toEqual([]);
  });

  it('puts the prior notifications before those of the change', () => {
    const { records, notifications } = setup();
    const prior = notifications.track([], () => {
      records.queue('thing', 'a', undefined, 900, 1);
    });
    const caused = notifications.track(prior, () => {
      records.queue('thing', 'b', undefined, 900, 2);
    });
    expect(caused.slice(0, 2)).toEqual(prior);
    expect(kinds(caused)).toEqual(['notify', 'notify-next', 'notify']);
  });

  it('holds the notifications of a change until they are taken', () => {
    const { records, notifications } = setup();
    records.queue('thing', 'job', undefined, 900, 1);
    notifications.hold(() => {
      setRecordStatus(records.require('thing', 'job'), 'TIMED_OUT', 1_000_000, undefined);
    });
    expect(kinds(notifications.takeUndelivered())).toEqual(['notify', 'notify-next']);
    expect(notifications.takeUndelivered()).toEqual([]);
  });

  it('hands held notifications out first with the next tracked change', () => {
    const { records, notifications } = setup();
    notifications.hold(() => {
      records.queue('thing', 'a', undefined, 900, 1);
    });
    const caused = notifications.track([], () => {
      records.queue('thing', 'b', undefined, 900, 2);
    });
    expect(kinds(caused)).toEqual(['notify', 'notify-next', 'notify']);
    expect(caused[1]).toMatchObject({ payload: { execution: { jobId: 'a' } } });
    expect(notifications.takeUndelivered()).toEqual([]);
  });
});
