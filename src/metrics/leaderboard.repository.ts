import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

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

/** The leaderboard's SQL: each method is one pass over an index that covers it (see ReadIndexes). */
@Injectable()
export class LeaderboardRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Per strategy: counts, means, sums, wins and completion-time percentiles (one index-only scan in (strategy, completion) order). */
  aggregates(runId: number): Promise<StrategyAggregates[]> {
    return this.db.query(
      `SELECT scheduler_name AS scheduler, count(*) AS tasks, avg(completion_time) AS "meanCompletionTime",
              percentile_cont(ARRAY[0.5, 0.95, 0.99]::float8[]) WITHIN GROUP (ORDER BY completion_time) AS percentiles,
              avg(exec_time) AS "meanExecTime", avg(wait_time) AS "meanWaitTime",
              sum(energy_consumption) AS "totalEnergy", sum(execution_cost) AS "totalCost",
              count(*) FILTER (WHERE won)::int AS wins
       FROM scheduler_results WHERE run_id = $1
       GROUP BY scheduler_name`,
      [runId],
    );
  }

  /** Per strategy, the mean over tasks of (its exec_time − the oracle's exec_time on the same task). */
  regret(runId: number, oracle: string): Promise<{ scheduler: string; meanRegret: number }[]> {
    return this.db.query(
      `SELECT r.scheduler_name AS scheduler, avg(r.exec_time - o.exec_time) AS "meanRegret"
       FROM scheduler_results r
       JOIN scheduler_results o ON o.run_id = r.run_id AND o.task_id = r.task_id AND o.scheduler_name = $2
       WHERE r.run_id = $1
       GROUP BY r.scheduler_name`,
      [runId, oracle],
    );
  }
}
