import { InvalidStateError } from '../errors.js';

export interface QuantileSketchState {
  readonly relativeAccuracy: number;
  readonly zeroCount: number;
  readonly offset: number;
  readonly counts: number[];
  readonly min: number | null;
  readonly max: number | null;
}

// Values at or below this are counted as zero (times and costs here are far above it).
const MIN_POSITIVE = 1e-12;

/**
 * A DDSketch-style quantile sketch: non-negative values fall into logarithmic buckets
 * [γ^(i−1), γ^i) with γ = (1+α)/(1−α), so any quantile is returned within relative error α,
 * in memory that grows with log(max/min), not with the count (about 2,800 buckets for
 * 1e-6..1e6 at α = 0.5%). Counts are integers, so the sketch is deterministic and serialisable.
 */
export class QuantileSketch {
  private readonly logGamma: number;
  private readonly gamma: number;
  private counts: Float64Array;
  private offset: number;
  private zeroCount: number;
  private total = 0;
  private min = Infinity;
  private max = -Infinity;

  private constructor(private readonly relativeAccuracy: number, counts: Float64Array, offset: number, zeroCount: number) {
    this.gamma = (1 + relativeAccuracy) / (1 - relativeAccuracy);
    this.logGamma = Math.log(this.gamma);
    this.counts = counts;
    this.offset = offset;
    this.zeroCount = zeroCount;
  }

  static create(relativeAccuracy: number): QuantileSketch {
    return new QuantileSketch(relativeAccuracy, new Float64Array(0), 0, 0);
  }

  static restore(state: QuantileSketchState): QuantileSketch {
    if (!(state?.relativeAccuracy > 0) || !Array.isArray(state.counts)) throw new InvalidStateError('quantile sketch state is malformed');
    const sketch = new QuantileSketch(state.relativeAccuracy, Float64Array.from(state.counts), state.offset, state.zeroCount);
    sketch.total = state.zeroCount + state.counts.reduce((a, b) => a + b, 0);
    sketch.min = state.min ?? Infinity;
    sketch.max = state.max ?? -Infinity;
    return sketch;
  }

  add(value: number): void {
    this.total++;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
    if (!(value > MIN_POSITIVE)) {
      this.zeroCount++;
      return;
    }
    const key = Math.ceil(Math.log(value) / this.logGamma);
    if (this.counts.length === 0) {
      this.counts = new Float64Array(64);
      this.offset = key - 32;
    }
    this.ensure(key);
    this.counts[key - this.offset]++;
  }

  /** Values added. */
  get count(): number {
    return this.total;
  }

  /** The sketch's bound on relative error, α. */
  get accuracy(): number {
    return this.relativeAccuracy;
  }

  /** The q-quantile (0 ≤ q ≤ 1) by the lower-rank rule, within relative error α; NaN when empty. */
  quantile(q: number): number {
    if (this.total === 0) return Number.NaN;
    if (q <= 0) return this.min;
    if (q >= 1) return this.max;
    return this.valueAt(Math.floor(q * (this.total - 1)));
  }

  /**
   * The q-quantile by linear interpolation between the closest ranks (PostgreSQL's percentile_cont):
   * both ranks' values are within relative error α, so their convex combination is within α of
   * percentile_cont's. NaN when empty.
   */
  interpolated(q: number): number {
    if (this.total === 0) return Number.NaN;
    if (q <= 0) return this.min;
    if (q >= 1) return this.max;
    const pos = q * (this.total - 1);
    const lo = Math.floor(pos);
    const below = this.valueAt(lo);
    return lo === pos ? below : below + (pos - lo) * (this.valueAt(lo + 1) - below);
  }

  /**
   * Adds every value `other` holds, as if they had been added here: the answers are those of one
   * sketch fed both streams. Both must have the same relative accuracy.
   */
  merge(other: QuantileSketch): void {
    if (other.relativeAccuracy !== this.relativeAccuracy) throw new InvalidStateError('cannot merge quantile sketches of different relative accuracy');
    if (other.total === 0) return;
    if (other.counts.length > 0) {
      if (this.counts.length === 0) {
        this.counts = new Float64Array(other.counts.length);
        this.offset = other.offset;
      }
      this.ensure(other.offset);
      this.ensure(other.offset + other.counts.length - 1);
      for (let i = 0; i < other.counts.length; i++) this.counts[other.offset + i - this.offset] += other.counts[i];
    }
    this.zeroCount += other.zeroCount;
    this.total += other.total;
    if (other.min < this.min) this.min = other.min;
    if (other.max > this.max) this.max = other.max;
  }

  // The value of rank `rank` (0-based, ascending), within relative error α.
  private valueAt(rank: number): number {
    if (rank < this.zeroCount) return Math.max(0, this.min);
    let seen = this.zeroCount;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i];
      if (seen > rank) {
        const estimate = (2 * Math.pow(this.gamma, i + this.offset)) / (this.gamma + 1);
        // Clamping to the exact extremes makes p0 and p100 exact.
        return Math.min(Math.max(estimate, this.min), this.max);
      }
    }
    return this.max;
  }

  toJSON(): QuantileSketchState {
    // Trim empty buckets at both ends so a saved state stays small.
    let lo = 0;
    let hi = this.counts.length;
    while (lo < hi && this.counts[lo] === 0) lo++;
    while (hi > lo && this.counts[hi - 1] === 0) hi--;
    return {
      relativeAccuracy: this.relativeAccuracy,
      zeroCount: this.zeroCount,
      offset: this.offset + lo,
      counts: Array.from(this.counts.subarray(lo, hi)),
      min: this.total > 0 ? this.min : null,
      max: this.total > 0 ? this.max : null,
    };
  }

  private ensure(key: number): void {
    const index = key - this.offset;
    if (index >= 0 && index < this.counts.length) return;
    const hi = Math.max(this.offset + this.counts.length, key + 17);
    const length = Math.max(hi - Math.min(this.offset, key - 16), this.counts.length * 2);
    // The new room goes on the side that grew: values arriving ever smaller (a fresh window's sketch)
    // then regrow it log times, where room always on top doubled it every 16 buckets down.
    const lo = key < this.offset ? this.offset + this.counts.length - length : this.offset;
    const grown = new Float64Array(length);
    grown.set(this.counts, this.offset - lo);
    this.counts = grown;
    this.offset = lo;
  }
}
