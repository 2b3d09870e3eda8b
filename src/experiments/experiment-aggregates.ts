import { ORACLE_STRATEGY_NAME, type PerDevice } from '../engine/index.js';
import type { LeaderboardEntry } from '../metrics/dto/leaderboard.response.js';
import type { Cell } from './experiment-grid.js';
import { meanInterval, pairedDifference, type MeanInterval, type PairedDifference } from './statistics.js';

/** A per-device figure's mean over the devices (the CPU and the GPUs). */
export function meanOverDevices(values: PerDevice): number {
  return (values.cpu + values.gpus.reduce((a, b) => a + b, 0)) / (values.gpus.length + 1);
}

/** The per-run figures an experiment averages over seeds, each read from the run's leaderboard entry. */
export const EXPERIMENT_METRICS = {
  meanCompletionTime: (e: LeaderboardEntry) => e.meanCompletionTime,
  p95CompletionTime: (e: LeaderboardEntry) => e.p95CompletionTime,
  meanExecTime: (e: LeaderboardEntry) => e.meanExecTime,
  makespan: (e: LeaderboardEntry) => e.scheduling?.makespan,
  utilisation: (e: LeaderboardEntry) => e.scheduling?.utilisation.mean,
  throughput: (e: LeaderboardEntry) => e.scheduling?.throughput,
  // Over the devices (CPU and GPUs): the mean of their mean backlogs, the largest of their maxima.
  meanBacklog: (e: LeaderboardEntry) => (e.scheduling ? meanOverDevices(e.scheduling.meanBacklog) : undefined),
  maxBacklog: (e: LeaderboardEntry) => (e.scheduling ? Math.max(e.scheduling.maxBacklog.cpu, ...e.scheduling.maxBacklog.gpus) : undefined),
  totalEnergy: (e: LeaderboardEntry) => e.totalEnergy,
  totalCost: (e: LeaderboardEntry) => e.totalCost,
} as const;
export type ExperimentMetric = keyof typeof EXPERIMENT_METRICS;
export const METRIC_NAMES = Object.keys(EXPERIMENT_METRICS) as ExperimentMetric[];

/** The metric the best strategy of a cell is chosen on (lowest mean over seeds), and paired differences are taken of. */
export const RANKING_METRIC: ExperimentMetric = 'meanCompletionTime';

/** A completed run's leaderboard, with the cell and seed it ran. */
export interface CellRun {
  cell: number;
  seed: number;
  entries: readonly LeaderboardEntry[];
}

export interface StrategyAggregate {
  strategy: string;
  /** Seeds (completed runs) the figures are over. */
  seeds: number;
  metrics: Record<ExperimentMetric, MeanInterval>;
}

export interface StrategyDifference extends PairedDifference {
  strategy: string;
  metric: ExperimentMetric;
  /** (other − best) / best's mean over the same seeds, as a percentage; null when best's mean is 0. */
  relativeMean: number | null;
}

export interface CellAggregate {
  cell: number;
  settings: Cell;
  strategies: StrategyAggregate[];
  /** The non-oracle strategy with the lowest mean of meanCompletionTime over seeds; null before any run completed. */
  best: string | null;
  /** Every other strategy minus the best, seed by seed (the same seeds), on meanCompletionTime. */
  differences: StrategyDifference[];
}

/**
 * Per cell and strategy, the mean over seeds of each metric with its 95% interval; the best strategy;
 * and each other strategy's paired difference to it. Pure: the same runs give the same answer.
 */
export function aggregateCells(cells: readonly Cell[], runs: readonly CellRun[], level = 0.95): CellAggregate[] {
  return cells.map((settings, cell) => {
    // strategy → metric → seed → value
    const values = new Map<string, Map<ExperimentMetric, Map<number, number>>>();
    for (const run of runs.filter((r) => r.cell === cell)) {
      for (const entry of run.entries) {
        let byMetric = values.get(entry.scheduler);
        if (!byMetric) values.set(entry.scheduler, (byMetric = new Map(METRIC_NAMES.map((m) => [m, new Map<number, number>()]))));
        for (const metric of METRIC_NAMES) {
          const value = EXPERIMENT_METRICS[metric](entry);
          if (typeof value === 'number' && Number.isFinite(value)) byMetric.get(metric)!.set(run.seed, value);
        }
      }
    }
    const strategies = [...values].map(([strategy, byMetric]) => ({
      strategy,
      seeds: byMetric.get(RANKING_METRIC)!.size,
      metrics: Object.fromEntries(METRIC_NAMES.map((m) => [m, meanInterval(sortedBySeed(byMetric.get(m)!), level)])) as Record<ExperimentMetric, MeanInterval>,
    }));
    strategies.sort((a, b) => a.metrics[RANKING_METRIC].mean - b.metrics[RANKING_METRIC].mean || a.strategy.localeCompare(b.strategy));
    const best = strategies.find((s) => s.strategy !== ORACLE_STRATEGY_NAME && s.seeds > 0)?.strategy ?? null;
    const bestValues = best === null ? null : values.get(best)!.get(RANKING_METRIC)!;
    const differences = bestValues
      ? strategies
          .filter((s) => s.strategy !== best)
          .map((s): StrategyDifference => {
            const d = pairedDifference(values.get(s.strategy)!.get(RANKING_METRIC)!, bestValues, level);
            const bestMean = d.seeds.reduce((a, seed) => a + bestValues.get(seed)!, 0) / d.seeds.length;
            return { strategy: s.strategy, metric: RANKING_METRIC, ...d, relativeMean: bestMean !== 0 && d.n > 0 ? (100 * d.mean) / bestMean : null };
          })
      : [];
    return { cell, settings, strategies, best, differences };
  });
}

// A seed → value map's values in seed order (the mean does not depend on it; the numbers are reproducible).
function sortedBySeed(bySeed: Map<number, number>): number[] {
  return [...bySeed].sort(([a], [b]) => a - b).map(([, v]) => v);
}
