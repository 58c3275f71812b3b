import { describe, expect, it } from 'vitest';

import { ReconcileCadence, type CadenceOptions } from '../../../src/reconcile/cadence.js';
import { ConfigError } from '../../../src/errors.js';

function cadence(draws: readonly number[], overrides: Partial<CadenceOptions> = {}) {
  const queue = [...draws];
  let count = 0;
  const random = (): number => {
    count += 1;
    return queue.shift() ?? 0.5;
  };
  const value = new ReconcileCadence({
    random,
    intervalMs: 60_000,
    jitterRatio: 0.1,
    initialDelay: { maxMs: 10_000 },
    failureBackoff: { initialDelayMs: 1_000, maxDelayMs: 8_000, factor: 2 },
    ...overrides,
  });
  return { cadence: value, draws: () => count };
}

describe('ReconcileCadence', () => {
  it('draws exactly once per delay', () => {
    const c = cadence([]);
    c.cadence.firstDelayMs();
    c.cadence.afterSuccessMs();
    c.cadence.afterFailureMs();
    c.cadence.withinMs(1_000);
    expect(c.draws()).toBe(4);
  });

  it('draws nothing for an immediate first run', () => {
    const c = cadence([], { initialDelay: 'immediate' });
    expect(c.cadence.firstDelayMs()).toBe(0);
    expect(c.draws()).toBe(0);
  });

  it('clamps draws outside [0, 1] to the edges of the window', () => {
    const c = cadence([-3, 7]);
    expect(c.cadence.withinMs(20_000)).toBe(0);
    expect(c.cadence.withinMs(20_000)).toBe(20_000);
  });

  it('treats a negative window as no window', () => {
    expect(cadence([0.9]).cadence.withinMs(-5_000)).toBe(0);
  });

  it('grows the failure delay per consecutive failure and starts over after a success', () => {
    const c = cadence([0.5, 0.5, 0.5, 0.5, 0.5]);
    const delays = [c.cadence.afterFailureMs(), c.cadence.afterFailureMs(), c.cadence.afterFailureMs()];
    c.cadence.afterSuccessMs();
    expect([...delays, c.cadence.afterFailureMs()]).toEqual([500, 1_000, 2_000, 500]);
  });

  it('names the option that is out of range', () => {
    expect(() => cadence([], { jitterRatio: 2 })).toThrow(ConfigError);
    expect(() => cadence([], { jitterRatio: 2 })).toThrow('jitterRatio');
  });
});
