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
}

/**
 * The deletes of retention, in the write model that owns the tables (see IngestRepository): a
 * run's raw rows (tasks, scheduler_results, training_data) from its oldest up, in bounded batches,
 * and the serialised model of old model_versions (the row, its metadata, stays). Metric windows
 * are never touched. Which run, how old and how many is the caller's policy (runs/retention).
 */
@Injectable()
export class RetentionRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Deletes the rows of the run's oldest tasks (at most `batch` of them) that were stored before
   * `cutoff` and whose task id is below `belowTaskId`, with their results and training rows, in one
   * transaction. Each statement is a range of the (run_id, task_id) indexes, bounded by the batch.
   */
  async pruneOldest(runId: number, cutoff: Date, belowTaskId: number, batch: number): Promise<PrunedBatch> {
    return this.db.transaction(async (m) => {
      // The oldest `batch` tasks in id order; the last of them stored before the cutoff bounds the range.
      const range = await one<{ from: number | null; through: number | null }>(
        m,
        `SELECT min(task_id) AS "from", max(task_id) AS through
           FROM (SELECT task_id, created_at FROM tasks WHERE run_id = $1 AND task_id < $2 ORDER BY task_id LIMIT $3) oldest
          WHERE created_at < $4`,
        [runId, belowTaskId, batch, cutoff],
      );
      if (range?.through == null || range.from == null) return { throughTaskId: null, tasks: 0, results: 0, training: 0 };
      const params = [runId, range.from, range.through];
      const between = 'run_id = $1 AND task_id BETWEEN $2 AND $3';
      const results = await affected(m, `DELETE FROM scheduler_results WHERE ${between}`, params);
      const training = await affected(m, `DELETE FROM training_data WHERE ${between}`, params);
      const tasks = await affected(m, `DELETE FROM tasks WHERE ${between}`, params);
      return { throughTaskId: range.through, tasks, results, training };
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
