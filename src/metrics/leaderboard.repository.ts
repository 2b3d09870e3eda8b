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
}

export interface StrategyWins {
  scheduler: string;
  wins: number;
}

/** The leaderboard's SQL: each method is one pass over an index that covers it (see ReadIndexes). */
@Injectable()
export class LeaderboardRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Per strategy: counts, means, sums and completion-time percentiles (one index-only scan in (strategy, completion) order). */
  aggregates(runId: number): Promise<StrategyAggregates[]> {
    return this.db.query(
      `SELECT scheduler_name AS scheduler, count(*) AS tasks, avg(completion_time) AS "meanCompletionTime",
              percentile_cont(ARRAY[0.5, 0.95, 0.99]::float8[]) WITHIN GROUP (ORDER BY completion_time) AS percentiles,
              avg(exec_time) AS "meanExecTime", avg(wait_time) AS "meanWaitTime",
              sum(energy_consumption) AS "totalEnergy", sum(execution_cost) AS "totalCost"
       FROM scheduler_results WHERE run_id = $1
       GROUP BY scheduler_name`,
      [runId],
    );
  }

  /**
   * Per non-oracle strategy, the tasks it won: its completion time is the smallest among the
   * non-oracle strategies on that task (rank 1; ties all rank 1). One index-only scan in
   * (task, completion) order; the run condition stops each task after its winners.
   */
  wins(runId: number, oracle: string): Promise<StrategyWins[]> {
    return this.db.query(
      `SELECT scheduler_name AS scheduler, count(*) AS wins
       FROM (SELECT scheduler_name, rank() OVER (PARTITION BY task_id ORDER BY completion_time) AS rk
             FROM scheduler_results WHERE run_id = $1 AND scheduler_name <> $2) ranked
       WHERE rk = 1
       GROUP BY scheduler_name`,
      [runId, oracle],
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
