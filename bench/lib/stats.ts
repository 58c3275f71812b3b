/** Small statistics for the bench: medians of repeated runs, percentiles of latency samples. */

export function median(values: readonly number[]): number {
  const finite = values.filter((value) => Number.isFinite(value)).sort((a, b) => a - b);
  if (finite.length === 0) return Number.NaN;
  const middle = Math.floor(finite.length / 2);
  return finite.length % 2 === 1
    ? (finite[middle] ?? Number.NaN)
    : ((finite[middle - 1] ?? 0) + (finite[middle] ?? 0)) / 2;
}

/** Nearest-rank percentile (p in 0..100) of the finite values. */
export function percentile(values: readonly number[], p: number): number {
  const finite = values.filter((value) => Number.isFinite(value)).sort((a, b) => a - b);
  if (finite.length === 0) return Number.NaN;
  const rank = Math.max(1, Math.ceil((p / 100) * finite.length));
  return finite[Math.min(finite.length, rank) - 1] ?? Number.NaN;
}

/** `a / b` rounded to two decimals, as the tables quote it. */
export function ratio(a: number, b: number): number {
  return Math.round((a / b) * 100) / 100;
}

export function round(value: number, digits = 1): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
