import { InvalidStateError } from '../errors.js';
import type { Outcome } from '../machine/machine.js';
import { QuantileSketch, type QuantileSketchState } from './quantile-sketch.js';

/** Mean, extremes and percentiles of one metric. */
export interface DistributionSummary {
  readonly mean: number;
  readonly min: number;
  readonly max: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
}

/** A strategy's leaderboard line. */
export interface StrategySummary {
  readonly strategy: string;
  readonly tasks: number;
  readonly completionTime: DistributionSummary;
  readonly execTime: DistributionSummary;
  readonly meanWaitTime: number;
  readonly totalEnergy: number;
  readonly meanEnergy: number;
  readonly totalCost: number;
  readonly meanCost: number;
  readonly wins: number;
  /** exec_time − the oracle's exec_time, per task. */
  readonly regret: { readonly total: number; readonly mean: number; readonly max: number };
}

export interface StrategyStatsState {
  readonly count: number;
  readonly sums: number[];
  readonly regretMax: number | null;
  readonly wins: number;
  readonly completion: QuantileSketchState;
  readonly exec: QuantileSketchState;
}

// Indices into `sums`.
const COMPLETION = 0;
const EXEC = 1;
const WAIT = 2;
const ENERGY = 3;
const COST = 4;
const REGRET = 5;

/** Streaming accumulators of one strategy: exact sums and extremes, sketched percentiles. */
export class StrategyStats {
  private count = 0;
  private readonly sums = new Float64Array(6);
  private regretMax = -Infinity;
  private wins = 0;

  private constructor(
    private readonly completion: QuantileSketch,
    private readonly exec: QuantileSketch,
  ) {}

  static create(relativeAccuracy: number): StrategyStats {
    return new StrategyStats(QuantileSketch.create(relativeAccuracy), QuantileSketch.create(relativeAccuracy));
  }

  /** Tasks counted. */
  get tasks(): number {
    return this.count;
  }

  /** The bound on the relative error of its percentiles. */
  get relativeAccuracy(): number {
    return this.completion.accuracy;
  }

  static restore(state: StrategyStatsState): StrategyStats {
    if (!Array.isArray(state?.sums) || state.sums.length !== 6) throw new InvalidStateError('strategy stats state is malformed');
    const stats = new StrategyStats(QuantileSketch.restore(state.completion), QuantileSketch.restore(state.exec));
    stats.count = state.count;
    stats.sums.set(state.sums);
    stats.regretMax = state.regretMax ?? -Infinity;
    stats.wins = state.wins;
    return stats;
  }

  add(outcome: Outcome, oracleTime: number, won: boolean): void {
    this.count++;
    const regret = outcome.execTime - oracleTime;
    this.sums[COMPLETION] += outcome.completionTime;
    this.sums[EXEC] += outcome.execTime;
    this.sums[WAIT] += outcome.waitTime;
    this.sums[ENERGY] += outcome.energy;
    this.sums[COST] += outcome.cost;
    this.sums[REGRET] += regret;
    if (regret > this.regretMax) this.regretMax = regret;
    if (won) this.wins++;
    this.completion.add(outcome.completionTime);
    this.exec.add(outcome.execTime);
  }

  /** Adds every task `other` counted, as if they had been added here (same relative accuracy). */
  merge(other: StrategyStats): void {
    this.count += other.count;
    for (let i = 0; i < this.sums.length; i++) this.sums[i] += other.sums[i];
    if (other.regretMax > this.regretMax) this.regretMax = other.regretMax;
    this.wins += other.wins;
    this.completion.merge(other.completion);
    this.exec.merge(other.exec);
  }

  /**
   * The strategy's line. Percentiles by `rule`: 'lower-rank' (the engine's summaries) or 'linear'
   * (interpolated between the closest ranks, as PostgreSQL's percentile_cont), both within the
   * sketch's relative accuracy of the exact value by the same rule.
   */
  summary(strategy: string, rule: PercentileRule = 'lower-rank'): StrategySummary {
    const n = this.count;
    const mean = (sum: number): number => (n > 0 ? sum / n : Number.NaN);
    return {
      strategy,
      tasks: n,
      completionTime: distribution(this.completion, mean(this.sums[COMPLETION]), rule),
      execTime: distribution(this.exec, mean(this.sums[EXEC]), rule),
      meanWaitTime: mean(this.sums[WAIT]),
      totalEnergy: this.sums[ENERGY],
      meanEnergy: mean(this.sums[ENERGY]),
      totalCost: this.sums[COST],
      meanCost: mean(this.sums[COST]),
      wins: this.wins,
      regret: { total: this.sums[REGRET], mean: mean(this.sums[REGRET]), max: n > 0 ? this.regretMax : Number.NaN },
    };
  }

  toJSON(): StrategyStatsState {
    return {
      count: this.count,
      sums: Array.from(this.sums),
      regretMax: this.count > 0 ? this.regretMax : null,
      wins: this.wins,
      completion: this.completion.toJSON(),
      exec: this.exec.toJSON(),
    };
  }
}

/** How a percentile falls between two ranks: the lower one, or linear interpolation (percentile_cont). */
export type PercentileRule = 'lower-rank' | 'linear';

function distribution(sketch: QuantileSketch, mean: number, rule: PercentileRule): DistributionSummary {
  const at = (q: number): number => (rule === 'linear' ? sketch.interpolated(q) : sketch.quantile(q));
  return { mean, min: at(0), max: at(1), p50: at(0.5), p95: at(0.95), p99: at(0.99) };
}
