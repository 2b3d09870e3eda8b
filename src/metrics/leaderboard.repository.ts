import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, QueryRunner } from 'typeorm';
import { execute, one, rows } from '../database/sql.js';
import type { StrategyStatsState } from '../engine/index.js';

/** A strategy's running aggregates as the last flush stored them (the engine's accumulators). */
export interface StoredAggregates {
  scheduler: string;
  state: StrategyStatsState;
}

export interface StrategyAggregates {
  scheduler: string;
  tasks: number;
  meanCompletionTime: number;
  /** percentile_cont at 0.5, 0.95, 0.99 of completion_time. */
  percentiles: [number, number, number];
  meanExecTime: number;
  meanWaitTime: number;
  totalEnergy: number;
  totalCost: number;
  /** Tasks it won (stored with each result by the run writer). */
  wins: number;
}

// One strategy's standing: one index-only scan of its (run, strategy) range, already in completion order.
const STRATEGY_AGGREGATES = `
  SELECT scheduler_name AS scheduler, count(*) AS tasks, avg(completion_time) AS "meanCompletionTime",
         percentile_cont(ARRAY[0.5, 0.95, 0.99]::float8[]) WITHIN GROUP (ORDER BY completion_time) AS percentiles,
         avg(exec_time) AS "meanExecTime", avg(wait_time) AS "meanWaitTime",
         sum(energy_consumption) AS "totalEnergy", sum(execution_cost) AS "totalCost",
         count(*) FILTER (WHERE won)::int AS wins
  FROM scheduler_results WHERE run_id = $1 AND scheduler_name = $2
  GROUP BY scheduler_name`;
// Every strategy's, in one pass.
const ALL_AGGREGATES = STRATEGY_AGGREGATES.replace(' AND scheduler_name = $2', '');
// The run's strategies: one index probe each, skipping from one name to the next.
const STRATEGY_NAMES = `
  WITH RECURSIVE s(name) AS (
    SELECT min(scheduler_name) FROM scheduler_results WHERE run_id = $1
    UNION ALL
    SELECT (SELECT min(scheduler_name) FROM scheduler_results WHERE run_id = $1 AND scheduler_name > s.name) FROM s WHERE s.name IS NOT NULL)
  SELECT name FROM s WHERE name IS NOT NULL`;
// Connections one leaderboard computation uses at most (and at most half the pool). PostgreSQL's
// parallel workers cannot compute percentile_cont, so the strategies are spread over connections
// instead: 700k results take ~90 ms instead of ~150 ms on 2 cores.
const CONNECTIONS = 4;

/**
 * The leaderboard's SQL: the stored running aggregates (one row per strategy), or the exact path,
 * each method one pass over an index that covers it (see ReadIndexes).
 */
@Injectable()
export class LeaderboardRepository {
  // One spread computation at a time: it holds a connection while it waits for more, and two of
  // them waiting on each other's connections could exhaust the pool. Others use one connection.
  private spreading = false;
  // At most half the pool, so that the writers and other reads keep connections meanwhile.
  private readonly connections: number;

  constructor(@InjectDataSource() private readonly db: DataSource) {
    const poolSize = (db.options.extra as { max?: number } | undefined)?.max ?? 10;
    this.connections = Math.min(CONNECTIONS, Math.floor(poolSize / 2));
  }

  /** Every strategy's running aggregates, by name; none for a run not flushed since they exist. O(strategies). */
  stored(runId: number): Promise<StoredAggregates[]> {
    return rows<StoredAggregates>(this.db, `SELECT scheduler_name AS scheduler, state FROM strategy_aggregates WHERE run_id = $1 ORDER BY scheduler_name`, [runId]);
  }

  /**
   * Per strategy, over every stored result (O(rows)): counts, means, sums, wins and exact
   * completion-time percentiles (percentile_cont). The strategies are
   * computed side by side on up to CONNECTIONS connections that share one snapshot (exported by
   * the first), so the answer is that of a single query at one instant, even while a run writes.
   */
  async aggregates(runId: number): Promise<StrategyAggregates[]> {
    if (this.spreading || this.connections < 2) return rows<StrategyAggregates>(this.db, ALL_AGGREGATES, [runId]);
    this.spreading = true;
    const runners: QueryRunner[] = [];
    try {
      const lead = await this.snapshotRunner(runners);
      const { snapshot } = (await one<{ snapshot: string }>(lead, 'SELECT pg_export_snapshot() AS snapshot'))!;
      const names = (await rows<{ name: string }>(lead, STRATEGY_NAMES, [runId])).map((r) => r.name);
      const helpers = await Promise.all(Array.from({ length: Math.max(0, Math.min(this.connections, names.length) - 1) }, () => this.snapshotRunner(runners, snapshot)));
      const queue = [...names];
      const results: StrategyAggregates[] = [];
      await Promise.all(
        [lead, ...helpers].map(async (runner) => {
          for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
            results.push(...(await rows<StrategyAggregates>(runner, STRATEGY_AGGREGATES, [runId, name])));
          }
        }),
      );
      return results.sort((a, b) => (a.scheduler < b.scheduler ? -1 : 1));
    } finally {
      await Promise.allSettled(runners.map(async (runner) => execute(runner, 'COMMIT').finally(() => runner.release())));
      this.spreading = false;
    }
  }

  /** A connection in a read-only repeatable-read transaction; on `snapshot` when given. */
  private async snapshotRunner(runners: QueryRunner[], snapshot?: string): Promise<QueryRunner> {
    const runner = this.db.createQueryRunner('slave');
    await runner.connect();
    runners.push(runner);
    await execute(runner, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    // The id is PostgreSQL's own (pg_export_snapshot), but a bind parameter is not accepted here.
    if (snapshot) await execute(runner, `SET TRANSACTION SNAPSHOT '${snapshot.replace(/[^0-9A-F-]/gi, '')}'`);
    return runner;
  }

  /** Per strategy, the mean over tasks of (its exec_time − the oracle's exec_time on the same task). */
  regret(runId: number, oracle: string): Promise<{ scheduler: string; meanRegret: number }[]> {
    return rows<{ scheduler: string; meanRegret: number }>(
      this.db,
      `SELECT r.scheduler_name AS scheduler, avg(r.exec_time - o.exec_time) AS "meanRegret"
       FROM scheduler_results r
       JOIN scheduler_results o ON o.run_id = r.run_id AND o.task_id = r.task_id AND o.scheduler_name = $2
       WHERE r.run_id = $1
       GROUP BY r.scheduler_name`,
      [runId, oracle],
    );
  }
}
