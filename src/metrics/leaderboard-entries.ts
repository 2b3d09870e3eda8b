import { DEFAULT_ENGINE_CONFIG, ORACLE_STRATEGY_NAME, rlFirstTrainingAt, StrategyStats, type SchedulingSummary } from '../engine/index.js';
import type { LeaderboardEntry } from './dto/leaderboard.response.js';
import type { StoredAggregates, StrategyAggregates } from './leaderboard.repository.js';

const HYBRID_ML = 'hybrid_ml';
const RL_AGENT = 'rl_agent';

/** A leaderboard line before what the learners learned is known. */
export type Standing = Omit<LeaderboardEntry, 'trained' | 'modelVersions'>;

/** The lines of the stored running aggregates: exact counts, sums, wins and regret; sketched percentiles. */
export function sketchedStandings(stored: StoredAggregates[]): { standings: Standing[]; relativeError: number } {
  let relativeError = 0;
  const standings = stored.flatMap(({ scheduler, state }): Standing[] => {
    const stats = StrategyStats.restore(state);
    if (stats.tasks === 0) return [];
    relativeError = Math.max(relativeError, stats.relativeAccuracy);
    // Interpolated between the closest ranks, as percentile_cont: within α of the exact path's answer.
    const s = stats.summary(scheduler, 'linear');
    const contender = scheduler !== ORACLE_STRATEGY_NAME;
    return [
      {
        scheduler,
        tasks: s.tasks,
        meanCompletionTime: s.completionTime.mean,
        p50CompletionTime: s.completionTime.p50,
        p95CompletionTime: s.completionTime.p95,
        p99CompletionTime: s.completionTime.p99,
        meanExecTime: s.execTime.mean,
        meanWaitTime: s.meanWaitTime,
        totalEnergy: s.totalEnergy,
        totalCost: s.totalCost,
        wins: contender ? s.wins : 0,
        losses: contender ? s.tasks - s.wins : 0,
        meanRegret: s.regret.mean,
        scheduling: stats.scheduling(stats.devices - 1),
      },
    ];
  });
  return { standings, relativeError };
}

/** The lines of the exact path (percentile_cont over every stored result), with each strategy's mean regret. */
export function exactStandings(aggregates: StrategyAggregates[], regret: Map<string, number>): Omit<Standing, 'scheduling'>[] {
  return aggregates.map((a): Omit<Standing, 'scheduling'> => {
    const contender = a.scheduler !== ORACLE_STRATEGY_NAME;
    const won = contender ? a.wins : 0;
    return {
      scheduler: a.scheduler,
      tasks: a.tasks,
      meanCompletionTime: a.meanCompletionTime,
      p50CompletionTime: a.percentiles[0],
      p95CompletionTime: a.percentiles[1],
      p99CompletionTime: a.percentiles[2],
      meanExecTime: a.meanExecTime,
      meanWaitTime: a.meanWaitTime,
      totalEnergy: a.totalEnergy,
      totalCost: a.totalCost,
      wins: won,
      // Every non-oracle result that is not a win lost to another strategy on its task.
      losses: contender ? a.tasks - won : 0,
      meanRegret: regret.get(a.scheduler) ?? 0,
    };
  });
}

/** Lines with each strategy's scheduling metrics (null when there are none). */
export function withScheduling(standings: Omit<Standing, 'scheduling'>[], scheduling: Map<string, SchedulingSummary>): Standing[] {
  return standings.map((s) => ({ ...s, scheduling: scheduling.get(s.scheduler) ?? null }));
}

/** Whether the run needs its model count: hybrid_ml is in it. */
export const needsModelVersions = (standings: Standing[]): boolean => standings.some((s) => s.scheduler === HYBRID_ML);

/**
 * The lines ranked, best mean completion time first, with whether a learner has learned anything in
 * the run: hybrid_ml once a model was stored, rl_agent once its network took a training step (runs
 * keep the engine's rl defaults). Null for the other strategies.
 */
export function ranked(standings: Standing[], modelVersions: number): LeaderboardEntry[] {
  return standings
    .map((s): LeaderboardEntry => {
      if (s.scheduler === HYBRID_ML) return { ...s, trained: modelVersions > 0, modelVersions };
      if (s.scheduler === RL_AGENT) return { ...s, trained: s.tasks >= rlFirstTrainingAt(DEFAULT_ENGINE_CONFIG.rl), modelVersions: null };
      return { ...s, trained: null, modelVersions: null };
    })
    .sort((x, y) => x.meanCompletionTime - y.meanCompletionTime || x.scheduler.localeCompare(y.scheduler));
}
