import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { affected, one } from '../database/sql.js';

/** What one batch of raw-row pruning removed. */
export interface PrunedBatch {
  /** The last task id whose rows went (every lower one is gone too); null when nothing was old enough. */
  throughTaskId: number | null;
  tasks: number;
  results: number;
  training: number;
  /** Metric windows whose statistics were cleared (all of their tasks went). */
  windows: number;
}

/**
 * The deletes of retention, in the write model that owns the tables (see IngestRepository): a
 * run's raw rows (tasks, scheduler_results, training_data) from its oldest up, in bounded batches,
 * with the per-window statistics (metrics.stats) of the windows whose tasks all went, and the
 * serialised model of old model_versions (the row, its metadata, stays). Metric windows keep their
 * other columns. Which run, how old and how many is the caller's policy (runs/retention).
 */
@Injectable()
export class RetentionRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Deletes the rows of the run's oldest tasks (at most `batch` of them) that were stored before
   * `cutoff` and whose task id is below `belowTaskId`, with their results and training rows, in one
   * transaction. Each statement is a range of the (run_id, task_id) indexes, bounded by the batch.
   * The windows that ended within the range lose their statistics (a window holds at most
   * `windowSpan` tasks, which bounds how far before the range one can start).
   */
  async pruneOldest(runId: number, cutoff: Date, belowTaskId: number, batch: number, windowSpan: number): Promise<PrunedBatch> {
    return this.db.transaction(async (m) => {
      // The oldest `batch` tasks in id order; the last of them stored before the cutoff bounds the range.
      const range = await one<{ from: number | null; through: number | null }>(
        m,
        `SELECT min(task_id) AS "from", max(task_id) AS through
           FROM (SELECT task_id, created_at FROM tasks WHERE run_id = $1 AND task_id < $2 ORDER BY task_id LIMIT $3) oldest
          WHERE created_at < $4`,
        [runId, belowTaskId, batch, cutoff],
      );
      if (range?.through == null || range.from == null) return { throughTaskId: null, tasks: 0, results: 0, training: 0, windows: 0 };
      const params = [runId, range.from, range.through];
      const between = 'run_id = $1 AND task_id BETWEEN $2 AND $3';
      const results = await affected(m, `DELETE FROM scheduler_results WHERE ${between}`, params);
      const training = await affected(m, `DELETE FROM training_data WHERE ${between}`, params);
      const tasks = await affected(m, `DELETE FROM tasks WHERE ${between}`, params);
      // One index range per strategy of the run (its aggregates name them), on (run_id, scheduler_name, window_start).
      const windows = await affected(
        m,
        `UPDATE metrics SET stats = NULL
          WHERE run_id = $1 AND scheduler_name = ANY (ARRAY(SELECT scheduler_name FROM strategy_aggregates WHERE run_id = $1))
            AND window_start BETWEEN $2::int - $4::int AND $3 AND window_end <= $3 AND stats IS NOT NULL`,
        [...params, windowSpan],
      );
      return { throughTaskId: range.through, tasks, results, training, windows };
    });
  }

  /**
   * Clears the serialised model of the run's versions `fromVersion` to `throughVersion` (the caller
   * bounds the range), except each multiple of `every` (0: none kept), keeping every row's
   * metadata. Answers how many were cleared.
   */
  pruneModelJson(runId: number, fromVersion: number, throughVersion: number, every: number): Promise<number> {
    return affected(
      this.db,
      `UPDATE model_versions SET model = NULL
        WHERE run_id = $1 AND version BETWEEN $2 AND $3 AND model IS NOT NULL AND ($4::int = 0 OR version % $4::int <> 0)`,
      [runId, fromVersion, throughVersion, every],
    );
  }

  /** The run's newest model version, 0 when it has none. */
  async latestModelVersion(runId: number): Promise<number> {
    const row = await one<{ version: number | null }>(this.db, 'SELECT max(version) AS version FROM model_versions WHERE run_id = $1', [runId]);
    return row?.version ?? 0;
  }
}
