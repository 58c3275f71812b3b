import { describe, expect, it } from 'vitest';
import { Outbox, type NewOutboxEntry } from '../../../src/lifecycle/outbox.js';

const entry = (
  jobId: string,
  status: NewOutboxEntry['status'],
  extra: Partial<NewOutboxEntry> = {},
): NewOutboxEntry => ({
  jobId,
  status,
  enqueuedAt: 0,
  ...extra,
});

describe('Outbox', () => {
  it('hands out entries in the order they were added, across jobs', () => {
    const outbox = new Outbox();
    outbox.add(entry('a', 'IN_PROGRESS'));
    outbox.add(entry('b', 'IN_PROGRESS'));
    outbox.add(entry('a', 'SUCCEEDED'));
    const order: string[] = [];
    for (let head = outbox.head(); head; head = outbox.head()) {
      order.push(`${head.jobId}:${head.status}`);
      outbox.remove(head.id);
    }
    expect(order).toEqual(['a:IN_PROGRESS', 'b:IN_PROGRESS', 'a:SUCCEEDED']);
  });

  it('keeps delivery order and continues ids after a reload', () => {
    const first = new Outbox();
    first.add(entry('a', 'IN_PROGRESS'));
    first.add(entry('a', 'SUCCEEDED'));
    const reloaded = new Outbox([...first.entries()].reverse());
    expect(reloaded.head()?.status).toBe('IN_PROGRESS');
    expect(reloaded.add(entry('b', 'FAILED')).id).toBe(3);
  });

  it('removes one execution’s entries but not the one being sent', () => {
    const outbox = new Outbox();
    const sending = outbox.add(entry('a', 'IN_PROGRESS', { executionNumber: 1 }));
    outbox.add(entry('b', 'IN_PROGRESS'));
    outbox.add(entry('a', 'IN_PROGRESS', { executionNumber: 1 }));
    outbox.add(entry('a', 'IN_PROGRESS', { executionNumber: 2 }));
    const removed = outbox.removeExecution('a', 1, sending.id);
    expect(removed.map((e) => e.id)).toEqual([3]);
    expect(outbox.entries().map((e) => e.id)).toEqual([1, 2, 4]);
  });

  it('removes every entry of a job when no execution number is given', () => {
    const outbox = new Outbox();
    outbox.add(entry('a', 'IN_PROGRESS', { executionNumber: 1 }));
    outbox.add(entry('a', 'IN_PROGRESS', { executionNumber: 2 }));
    expect(outbox.removeExecution('a', undefined)).toHaveLength(2);
    expect(outbox.size).toBe(0);
  });

  it('hands out copies, so a caller cannot reorder the queue', () => {
    const outbox = new Outbox();
    outbox.add(entry('a', 'IN_PROGRESS'));
    (outbox.entries() as unknown[]).length = 0;
    expect(outbox.size).toBe(1);
  });
});
