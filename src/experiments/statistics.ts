import jstat from 'jstat';

/** A mean over repetitions with its confidence interval (Student t). */
export interface MeanInterval {
  /** Values the mean is over. */
  readonly n: number;
  readonly mean: number;
  /** Sample standard deviation (n − 1); null for n < 2. */
  readonly sd: number | null;
  /** t quantile × sd / √n; null for n < 2 (no interval from one value). */
  readonly halfWidth: number | null;
  readonly low: number | null;
  readonly high: number | null;
}

/** A paired difference (other − best) over the seeds both have, with its interval and whether it excludes 0. */
export interface PairedDifference extends MeanInterval {
  /** The seeds paired, ascending. */
  readonly seeds: number[];
  /** The interval lies wholly above or below 0 (a paired t test at 1 − level); false without an interval. */
  readonly significant: boolean;
}

/** The two-sided Student t quantile for `level` (0.95: t at 0.975) with `df` degrees of freedom (jStat). */
export function tQuantile(level: number, df: number): number {
  return jstat.studentt.inv(1 - (1 - level) / 2, df);
}

/** The mean of `values` with its `level` (default 95%) confidence interval: mean ± t(n−1) · sd / √n. */
export function meanInterval(values: readonly number[], level = 0.95): MeanInterval {
  const n = values.length;
  if (n === 0) return { n, mean: Number.NaN, sd: null, halfWidth: null, low: null, high: null };
  const mean = values.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { n, mean, sd: null, halfWidth: null, low: null, high: null };
  const sd = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1));
  const halfWidth = (tQuantile(level, n - 1) * sd) / Math.sqrt(n);
  return { n, mean, sd, halfWidth, low: mean - halfWidth, high: mean + halfWidth };
}

/** other − best, seed by seed, over the seeds both have a value for; its mean, interval and significance. */
export function pairedDifference(other: ReadonlyMap<number, number>, best: ReadonlyMap<number, number>, level = 0.95): PairedDifference {
  const seeds = [...other.keys()].filter((seed) => best.has(seed)).sort((a, b) => a - b);
  const interval = meanInterval(
    seeds.map((seed) => (other.get(seed) as number) - (best.get(seed) as number)),
    level,
  );
  const significant = interval.low !== null && interval.high !== null && (interval.low > 0 || interval.high < 0);
  return { ...interval, seeds, significant };
}
