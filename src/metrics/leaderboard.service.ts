import { Injectable } from '@nestjs/common';
import { RunCacheService } from '../cache/run-cache.service.js';
import { NotFound } from '../common/app-errors.js';
import { RunCatalog } from '../runs/run-catalog.service.js';
import { RunScope } from '../runs/run-scope.service.js';
import { ORACLE_STRATEGY_NAME } from '../engine/index.js';
import { TrainingService } from '../training/training.service.js';
import { LeaderboardResponse, SchedulerStandingResponse } from './dto/leaderboard.response.js';
import { exactStandings, needsModelVersions, ranked, sketchedStandings, withScheduling, type Standing } from './leaderboard-entries.js';
import { LeaderboardRepository, type StoredAggregates, type StrategyAggregates } from './leaderboard.repository.js';

/**
 * Per-run strategy standings, cached per run version: from the running aggregates each flush
 * stores (O(strategies)), or with `exact` (and for runs that have none) computed in SQL over
 * every stored result (O(rows)).
 */
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
  async get(runId: number | undefined, exact = false): Promise<LeaderboardResponse> {
    const id = await this.scope.resolve(runId);
    // A cached answer proves the run existed when it was computed: hits cost no query at all.
    return this.cache.wrap(id, 'leaderboard', exact ? { exact } : {}, async () => {
      const stored = exact ? [] : await this.leaderboard.stored(id);
      // Aggregates exist only for a run that does (their foreign key): only without them is it asked.
      if (stored.length === 0) await this.scope.assertExists(id);
      return { runId: id, ...(await this.compute(id, stored)) };
    });
  }

  async standing(name: string, runId: number | undefined, exact = false): Promise<SchedulerStandingResponse> {
    const board = await this.get(runId, exact);
    const index = board.items.findIndex((e) => e.scheduler === name);
    if (index < 0) throw new NotFound(`scheduler ${name} in run`, board.runId);
    const { percentileMethod, percentileRelativeError } = board;
    return { runId: board.runId, rank: index + 1, of: board.items.length, percentileMethod, percentileRelativeError, standing: board.items[index] };
  }

  private async compute(runId: number, stored: StoredAggregates[]): Promise<Omit<LeaderboardResponse, 'runId'>> {
    // Runs flushed before the aggregates existed have none until their next flush: exact for them.
    const sketched = stored.length > 0 ? sketchedStandings(stored) : null;
    const standings = sketched?.standings ?? (await this.exact(runId));
    const modelVersions = needsModelVersions(standings) ? await this.training.modelVersionCount(runId) : 0;
    return {
      percentileMethod: sketched ? 'sketch' : 'exact',
      percentileRelativeError: sketched ? sketched.relativeError : null,
      items: ranked(standings, modelVersions),
    };
  }

  private async exact(runId: number): Promise<Standing[]> {
    // One index-only pass: wins are stored with each result, so they need no second scan.
    const aggregates = await this.leaderboard.aggregates(runId);
    return withScheduling(exactStandings(aggregates, await this.regret(runId, aggregates)), await this.runs.scheduling(runId));
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
