import { describe, expect, it } from 'vitest';

import { AbortGrace } from '../../../src/lifecycle/abort-grace.js';
import { RunSlots, type SlotRun } from '../../../src/lifecycle/run-slots.js';
import type { LogFields, Logger } from '../../../src/logger.js';
import { ManualClock } from '../../helpers/manual-clock.js';

const GRACE_MS = 1_000;

function setup(): {
  clock: ManualClock;
  slots: RunSlots<SlotRun>;
  grace: AbortGrace<SlotRun>;
  warnings: LogFields[];
  freed: () => number;
} {
  const clock = new ManualClock();
  const slots = new RunSlots<SlotRun>();
  const warnings: LogFields[] = [];
  const nothing = (): void => undefined;
  const logger: Logger = {
    debug: nothing,
    info: nothing,
    error: nothing,
    warn: (fields) => {
      warnings.push(fields);
    },
  };
  let freedCount = 0;
  const grace = new AbortGrace({ clock, logger, abortGraceMs: GRACE_MS }, slots, () => {
    freedCount += 1;
  });
  return { clock, slots, grace, warnings, freed: () => freedCount };
}

const run = (jobId: string): SlotRun => ({ jobId, operation: 'op' });

describe('AbortGrace', () => {
  it('releases the slot of a run still holding it when the grace period ends', () => {
    const { clock, slots, grace, freed } = setup();
    const stuck = run('a');
    slots.start(stuck);
    grace.begin(stuck);
    clock.advance(GRACE_MS - 1);
    expect(slots.busy()).toBe(1);
    clock.advance(1);
    expect(slots.busy()).toBe(0);
    expect(freed()).toBe(1);
  });

  it('warns with the job id when it releases a slot', () => {
    const { clock, slots, grace, warnings } = setup();
    const stuck = run('a');
    slots.start(stuck);
    grace.begin(stuck);
    clock.advance(GRACE_MS);
    expect(warnings).toEqual([{ jobId: 'a' }]);
  });

  it('does nothing at the end of the grace period for a run that already ended', () => {
    const { clock, slots, grace, warnings, freed } = setup();
    const ended = run('a');
    slots.start(ended);
    grace.begin(ended);
    slots.finish(ended);
    clock.advance(GRACE_MS);
    expect(freed()).toBe(0);
    expect(warnings).toEqual([]);
  });

  it('calls back once a tracked run settles', async () => {
    const { grace } = setup();
    let after = 0;
    let settle = (): void => undefined;
    const settled = new Promise<void>((resolve) => {
      settle = resolve;
    });
    grace.track(run('a'), settled, () => {
      after += 1;
    });
    expect(after).toBe(0);
    settle();
    await settled;
    await Promise.resolve();
    expect(after).toBe(1);
  });

  it('settles when every tracked run settled, before the grace period ends', async () => {
    const { clock, grace } = setup();
    const a = run('a');
    grace.track(a, Promise.resolve(), () => undefined);
    await grace.settle([a, run('untracked')]);
    expect(clock.pending).toBe(1); // the grace timer, still waiting
  });

  it('settles at the end of the grace period when a run does not', async () => {
    const { clock, grace } = setup();
    const stuck = run('a');
    grace.track(stuck, new Promise<void>(() => undefined), () => undefined);
    let done = false;
    const settling = grace.settle([stuck]).then(() => {
      done = true;
    });
    await Promise.resolve();
    expect(done).toBe(false);
    clock.advance(GRACE_MS);
    await settling;
    expect(done).toBe(true);
  });
});
