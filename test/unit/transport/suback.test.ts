import { describe, expect, it } from 'vitest';
import { TransportError } from '../../../src/errors.js';
import {
  SUBSCRIBE_BATCH,
  refusedFilters,
  refusedSubscription,
  subscribeBatches,
} from '../../../src/transport/suback.js';

const filters = (count: number): string[] => Array.from({ length: count }, (_, i) => `t/${i}`);

describe('subscribeBatches', () => {
  it('splits the filters into batches of at most eight, in order', () => {
    const batches = subscribeBatches(filters(17));
    expect(batches.map((batch) => batch.length)).toEqual([SUBSCRIBE_BATCH, SUBSCRIBE_BATCH, 1]);
    expect(batches.flat()).toEqual(filters(17));
  });

  it('makes no batch of no filters', () => {
    expect(subscribeBatches([])).toEqual([]);
  });
});

describe('refusedFilters', () => {
  it('names the filters whose code is 0x80 or above', () => {
    expect(refusedFilters(['a', 'b', 'c', 'd'], [1, 0x80, 0, 0x87])).toEqual(['b', 'd']);
  });

  it('counts a missing code as a refusal', () => {
    expect(refusedFilters(['a', 'b'], [1])).toEqual(['b']);
  });
});

describe('refusedSubscription', () => {
  it('is a TransportError naming every refused filter', () => {
    const error = refusedSubscription(['a/b', 'c/d']);
    expect(error).toBeInstanceOf(TransportError);
    expect(error.message).toBe('the broker refused the subscription to a/b, c/d');
  });
});
