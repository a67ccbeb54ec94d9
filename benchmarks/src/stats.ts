/**
 * Summary statistics of benchmark samples.
 *
 * @module
 */

/** Summary statistics of a list of durations (milliseconds) or ratios. */
export interface Stats {
  readonly min: number;
  readonly median: number;
  readonly max: number;
  readonly p50: number;
  readonly p99: number;
  readonly mean: number;
}

/** Percentile by nearest rank over sorted samples. */
function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

/** Computes statistics of a list of samples; the median of an even count is the mean of the middle two. */
export function stats(samples: readonly number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const n = sorted.length;
  const mean = sorted.reduce((a, b) => a + b, 0) / Math.max(1, n);
  const mid = n >> 1;
  const median =
    n === 0
      ? Number.NaN
      : n % 2 === 1
        ? (sorted[mid] as number)
        : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  return {
    min: sorted[0] ?? Number.NaN,
    median,
    max: sorted[n - 1] ?? Number.NaN,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    mean,
  };
}
