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

/** One value per device: the CPU and each GPU. */
export interface PerDevice {
  readonly cpu: number;
  readonly gpus: number[];
}

/**
 * A strategy's scheduling metrics over the tasks its statistics count. Times in simulated seconds.
 * The span is makespan = last finish − first arrival; a device's utilisation is its busy time (the
 * sum of the parts of tasks it ran) / the span, ≤ 1 since a device runs one part at a time and every
 * part lies within the span. Backlog: a device's queued work (its free time − now, ≥ 0) seen by each
 * task on arrival, before it is placed (with Poisson arrivals, the time average).
 */
export interface SchedulingSummary {
  readonly makespan: number;
  /** Tasks / makespan, tasks per simulated second. */
  readonly throughput: number;
  readonly busy: PerDevice;
  readonly utilisation: PerDevice & { readonly mean: number };
  readonly meanBacklog: PerDevice;
  readonly maxBacklog: PerDevice;
}

/** The scheduling accumulators' saved form (absent from states saved before they existed). */
export interface SchedulingState {
  readonly firstArrival: number | null;
  readonly lastFinish: number | null;
  /** Busy time per device: [cpu, gpu 0, gpu 1 …]. */
  readonly busy: number[];
  readonly backlogSamples: number;
  readonly backlogSum: number[];
  readonly backlogMax: number[];
}

export interface StrategyStatsState {
  readonly count: number;
  readonly sums: number[];
  readonly regretMax: number | null;
  readonly wins: number;
  readonly completion: QuantileSketchState;
  readonly exec: QuantileSketchState;
  readonly scheduling?: SchedulingState;
}

/** What a strategy's machine is like when a task arrives, and what running it took. */
export interface DeviceTimes {
  /** Time the CPU's queue drains. */
  readonly cpuFree: number;
  /** Time each GPU's queue drains. */
  readonly gpuFree: ArrayLike<number>;
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
  // Scheduling accumulators; per-device arrays are [cpu, gpu 0, gpu 1 …] and grow with the GPUs seen.
  private firstArrival = Number.NaN;
  private lastFinish = Number.NaN;
  private busy: number[] = [0];
  private backlogSamples = 0;
  private backlogSum: number[] = [0];
  private backlogMax: number[] = [0];

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

  /** Devices of the strategy's machine seen so far (the CPU and its GPUs): every one once a task arrived. */
  get devices(): number {
    return Math.max(this.busy.length, this.backlogSum.length);
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
    const sch = state.scheduling;
    if (sch !== undefined) {
      if (!Array.isArray(sch.busy) || !Array.isArray(sch.backlogSum) || !Array.isArray(sch.backlogMax)) throw new InvalidStateError('strategy stats state is malformed');
      stats.firstArrival = sch.firstArrival ?? Number.NaN;
      stats.lastFinish = sch.lastFinish ?? Number.NaN;
      stats.busy = [...sch.busy];
      stats.backlogSamples = sch.backlogSamples;
      stats.backlogSum = [...sch.backlogSum];
      stats.backlogMax = [...sch.backlogMax];
    }
    return stats;
  }

  /** Samples each device's backlog as `task` arrives at `arrival`, before it is placed. */
  arrive(arrival: number, machine: DeviceTimes): void {
    const devices = machine.gpuFree.length + 1;
    grow(this.backlogSum, devices);
    grow(this.backlogMax, devices);
    this.backlogSamples++;
    for (let d = 0; d < devices; d++) {
      const free = d === 0 ? machine.cpuFree : machine.gpuFree[d - 1];
      const backlog = free > arrival ? free - arrival : 0;
      this.backlogSum[d] += backlog;
      if (backlog > this.backlogMax[d]) this.backlogMax[d] = backlog;
    }
    if (!(arrival >= this.firstArrival)) this.firstArrival = arrival;
  }

  /** The busy time a task's parts took: `cpuPart` on the CPU, `gpuPart` on GPU outcome.gpuId. */
  occupy(outcome: Outcome, cpuPart: number, gpuPart: number): void {
    this.busy[0] += cpuPart;
    if (outcome.gpuId !== null) {
      grow(this.busy, outcome.gpuId + 2);
      this.busy[outcome.gpuId + 1] += gpuPart;
    }
    if (!(outcome.finishTime <= this.lastFinish)) this.lastFinish = outcome.finishTime;
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
    this.firstArrival = ofBoth(this.firstArrival, other.firstArrival, Math.min);
    this.lastFinish = ofBoth(this.lastFinish, other.lastFinish, Math.max);
    for (const [mine, theirs, fold] of [
      [this.busy, other.busy, (a: number, b: number) => a + b],
      [this.backlogSum, other.backlogSum, (a: number, b: number) => a + b],
      [this.backlogMax, other.backlogMax, Math.max],
    ] as const) {
      grow(mine, theirs.length);
      theirs.forEach((v, d) => (mine[d] = fold(mine[d], v)));
    }
    this.backlogSamples += other.backlogSamples;
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

  /** Makespan, throughput, per-device utilisation and backlog over the counted tasks (NaN before any). */
  scheduling(gpus: number): SchedulingSummary {
    const n = this.count;
    const makespan = n > 0 ? this.lastFinish - this.firstArrival : Number.NaN;
    const devices = (values: number[], f: (v: number) => number): PerDevice => {
      const all = Array.from({ length: gpus + 1 }, (_, d) => f(values[d] ?? 0));
      return { cpu: all[0], gpus: all.slice(1) };
    };
    const busy = devices(this.busy, (v) => v);
    const share = (v: number): number => (makespan > 0 ? v / makespan : Number.NaN);
    const utilisation = devices(this.busy, share);
    const samples = this.backlogSamples;
    return {
      makespan,
      throughput: makespan > 0 ? n / makespan : Number.NaN,
      busy,
      utilisation: { ...utilisation, mean: (utilisation.cpu + utilisation.gpus.reduce((a, b) => a + b, 0)) / (gpus + 1) },
      meanBacklog: devices(this.backlogSum, (v) => (samples > 0 ? v / samples : Number.NaN)),
      maxBacklog: devices(this.backlogMax, (v) => (samples > 0 ? v : Number.NaN)),
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
      scheduling: {
        firstArrival: Number.isNaN(this.firstArrival) ? null : this.firstArrival,
        lastFinish: Number.isNaN(this.lastFinish) ? null : this.lastFinish,
        busy: [...this.busy],
        backlogSamples: this.backlogSamples,
        backlogSum: [...this.backlogSum],
        backlogMax: [...this.backlogMax],
      },
    };
  }
}

// f of a and b, where NaN (nothing seen yet) gives way to the other.
function ofBoth(a: number, b: number, f: (a: number, b: number) => number): number {
  return Number.isNaN(a) ? b : Number.isNaN(b) ? a : f(a, b);
}

// Pads a per-device array with zeros to `length` devices.
function grow(values: number[], length: number): void {
  while (values.length < length) values.push(0);
}

/** How a percentile falls between two ranks: the lower one, or linear interpolation (percentile_cont). */
export type PercentileRule = 'lower-rank' | 'linear';

function distribution(sketch: QuantileSketch, mean: number, rule: PercentileRule): DistributionSummary {
  const at = (q: number): number => (rule === 'linear' ? sketch.interpolated(q) : sketch.quantile(q));
  return { mean, min: at(0), max: at(1), p50: at(0.5), p95: at(0.95), p99: at(0.99) };
}
