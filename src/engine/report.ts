// The lanes' statistics as the engine reports them, in config order.
import type { Lane } from './lane.js';
import type { SchedulingSummary, StrategyStatsState, StrategySummary } from './stats/strategy-stats.js';

/** A strategy's leaderboard line with its scheduling metrics. */
export type StrategyReport = StrategySummary & { readonly scheduling: SchedulingSummary };

/** Leaderboard lines (SimulationEngine.summary). */
export function laneSummaries(lanes: readonly Lane[]): StrategySummary[] {
  return lanes.map((lane) => lane.stats.summary(lane.name));
}

/** Every lane's accumulators as JSON (SimulationEngine.statsState; what a snapshot's `stats` holds). */
export function laneStatsStates(lanes: readonly Lane[]): Record<string, StrategyStatsState> {
  return Object.fromEntries(lanes.map((lane) => [lane.name, lane.stats.toJSON()]));
}

/** Leaderboard lines with each lane's scheduling metrics on `gpus` GPUs (SimulationEngine.report). */
export function laneReports(lanes: readonly Lane[], gpus: number): StrategyReport[] {
  return lanes.map((lane) => ({ ...lane.stats.summary(lane.name), scheduling: lane.stats.scheduling(gpus) }));
}
