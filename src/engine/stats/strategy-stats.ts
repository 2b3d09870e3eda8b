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

  summary(strategy: string): StrategySummary {
    const n = this.count;
    const mean = (sum: number): number => (n > 0 ? sum / n : Number.NaN);
    return {
      strategy,
      tasks: n,
      completionTime: distribution(this.completion, mean(this.sums[COMPLETION])),
      execTime: distribution(this.exec, mean(this.sums[EXEC])),
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

function distribution(sketch: QuantileSketch, mean: number): DistributionSummary {
  return { mean, min: sketch.quantile(0), max: sketch.quantile(1), p50: sketch.quantile(0.5), p95: sketch.quantile(0.95), p99: sketch.quantile(0.99) };
}
