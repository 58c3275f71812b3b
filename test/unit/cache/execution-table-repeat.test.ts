import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ExecutionTable } from '../../../src/cache/execution-table.js';
import type { JobExecution } from '../../../src/protocol/types.js';
import { jobTimelineArb, observationsOf } from './timeline.js';

/**
 * A decoder hands the table's own value back for a notify entry that repeats it, and the table
 * answers that case from a remembered verdict. Offering the held value itself must do exactly
 * what offering an equal copy of it does (the general path), whatever the entry's history.
 */

/** A timeline's observations, with after which of them the held value is offered again. */
const timelineWithReoffers = jobTimelineArb.chain((timeline) => {
  const count = observationsOf(timeline).length;
  return fc.tuple(
    fc.constant(timeline),
    fc.shuffledSubarray(
      Array.from({ length: count }, (_, i) => i),
      { minLength: count, maxLength: count },
    ),
    fc.array(fc.boolean(), { minLength: count, maxLength: count }),
  );
});

/** An equal copy: a new top-level object, so the table cannot recognise it as its own value. */
function copyOf(execution: JobExecution): JobExecution {
  return { ...execution };
}

describe('ExecutionTable.apply of its own value', () => {
  it('does what applying an equal copy does, at every step of any timeline', () => {
    fc.assert(
      fc.property(timelineWithReoffers, ([timeline, order, reoffers]) => {
        const observations = observationsOf(timeline);
        const own = new ExecutionTable();
        const copied = new ExecutionTable();
        order.forEach((index, step) => {
          const { execution } = observations[index]!;
          expect(own.apply(execution, step)).toEqual(copied.apply(execution, step));
          if (!reoffers[step]) return;
          // Twice: the second offer meets the remembered verdict.
          for (let again = 0; again < 2; again++) {
            const held = own.get(execution.jobId)!;
            expect(own.apply(held, step + 0.5)).toEqual(copied.apply(copyOf(held), step + 0.5));
          }
          expect(own.list()).toEqual(copied.list());
          expect(own.lastChangedAt(execution.jobId)).toBe(copied.lastChangedAt(execution.jobId));
        });
      }),
      { numRuns: 500 },
    );
  });

  it('answers a repeat of its own value with the held value, unchanged', () => {
    const table = new ExecutionTable();
    table.apply({ jobId: 'a', status: 'QUEUED', versionNumber: 1, queuedAt: 5 }, 0);
    const held = table.get('a')!;
    expect(table.apply(held, 1)).toEqual({ changed: false, value: held });
    expect(table.get('a')).toBe(held);
    expect(table.lastChangedAt('a')).toBe(0);
  });
});
