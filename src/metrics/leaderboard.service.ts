import { Injectable } from '@nestjs/common';
import { RunCacheService } from '../cache/run-cache.service.js';
import { NotFound } from '../common/app-errors.js';
import { RunCatalog } from '../runs/run-catalog.service.js';
import { RunScope } from '../runs/run-scope.service.js';
import { DEFAULT_ENGINE_CONFIG, ORACLE_STRATEGY_NAME, rlFirstTrainingAt, type SchedulingSummary } from '../engine/index.js';
import { TrainingService } from '../training/training.service.js';
import { LeaderboardResponse, SchedulerStandingResponse, type LeaderboardEntry } from './dto/leaderboard.response.js';
import { LeaderboardRepository, type StrategyAggregates } from './leaderboard.repository.js';

const HYBRID_ML = 'hybrid_ml';
const RL_AGENT = 'rl_agent';

// Whether a learner has learned anything in the run: hybrid_ml once a model was stored, rl_agent once
// its network took a training step (runs keep the engine's rl defaults). Null for the other strategies.
function learning(scheduler: string, tasks: number, modelVersions: number): Pick<LeaderboardEntry, 'trained' | 'modelVersions'> {
  if (scheduler === HYBRID_ML) return { trained: modelVersions > 0, modelVersions };
  if (scheduler === RL_AGENT) return { trained: tasks >= rlFirstTrainingAt(DEFAULT_ENGINE_CONFIG.rl), modelVersions: null };
  return { trained: null, modelVersions: null };
}

/** The leaderboard entries with each strategy's scheduling metrics (null when there are none). */
export function withScheduling(entries: Omit<LeaderboardEntry, 'scheduling'>[], scheduling: Map<string, SchedulingSummary>): LeaderboardEntry[] {
  return entries.map((e) => ({ ...e, scheduling: scheduling.get(e.scheduler) ?? null }));
}

/** Per-run strategy standings, computed in SQL over the stored results and cached per run version. */
@Injectable()
export class LeaderboardService {
  constructor(
    private readonly leaderboard: LeaderboardRepository,
    private readonly scope: RunScope,
    private readonly cache: RunCacheService,
    private readonly training: TrainingService,
    private readonly runs: RunCatalog,
  ) {}

  /** runId omitted: the continuous run. */
  async get(runId: number | undefined): Promise<LeaderboardResponse> {
    const id = await this.scope.resolve(runId);
    // A cached answer proves the run existed when it was computed: hits cost no query at all.
    return this.cache.wrap(id, 'leaderboard', {}, async () => {
      await this.scope.assertExists(id);
      return { runId: id, items: await this.compute(id) };
    });
  }

  async standing(name: string, runId: number | undefined): Promise<SchedulerStandingResponse> {
    const board = await this.get(runId);
    const index = board.items.findIndex((e) => e.scheduler === name);
    if (index < 0) throw new NotFound(`scheduler ${name} in run`, board.runId);
    return { runId: board.runId, rank: index + 1, of: board.items.length, standing: board.items[index] };
  }

  private async compute(runId: number): Promise<LeaderboardEntry[]> {
    // One index-only pass: wins are stored with each result, so they need no second scan.
    const aggregates = await this.leaderboard.aggregates(runId);
    const regret = await this.regret(runId, aggregates);
    const modelVersions = aggregates.some((a) => a.scheduler === HYBRID_ML) ? await this.training.modelVersionCount(runId) : 0;
    const entries = aggregates
      .map((a): Omit<LeaderboardEntry, 'scheduling'> => {
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
          ...learning(a.scheduler, a.tasks, modelVersions),
        };
      })
      .sort((x, y) => x.meanCompletionTime - y.meanCompletionTime || x.scheduler.localeCompare(y.scheduler));
    return withScheduling(entries, await this.runs.scheduling(runId));
  }

  /**
   * Mean regret vs the oracle. The run writer stores every strategy's result of a task in one
   * transaction, so normally each strategy covers exactly the oracle's tasks and the mean of the
   * differences is the difference of the means (no join needed). Otherwise: the exact join.
   */
  private async regret(runId: number, aggregates: StrategyAggregates[]): Promise<Map<string, number>> {
    const oracle = aggregates.find((a) => a.scheduler === ORACLE_STRATEGY_NAME);
    if (!oracle) return new Map();
    if (aggregates.every((a) => a.tasks === oracle.tasks)) {
      return new Map(aggregates.map((a) => [a.scheduler, a.meanExecTime - oracle.meanExecTime]));
    }
    return new Map((await this.leaderboard.regret(runId, ORACLE_STRATEGY_NAME)).map((r) => [r.scheduler, r.meanRegret]));
  }
}
