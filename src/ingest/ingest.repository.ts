import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { execute, rows } from '../database/sql.js';
import type { Task } from '../engine/index.js';
import { insertTasks, upsertAggregates, writeBatch } from './flush-statements.js';
import { RunBatch } from './run-batch.js';

export interface NewModelVersion {
  runId: number;
  version: number;
  trainedAtTask: number;
  samples: number;
  r2: number | null;
  mae: number | null;
  featureImportances: Record<string, number>;
  durationMs: number;
  model: unknown;
}

/** One strategy's stored completion and exec times as [min, p50, p95, p99, max] (s). */
export interface StoredDistribution {
  scheduler: string;
  tasks: number;
  completionTime: [number, number, number, number, number];
  execTime: [number, number, number, number, number];
}

export interface LabelledRow {
  features: number[];
  label: number;
}

/**
 * Runs in a flush's transaction after its rows are in (the run's progress is written there), and
 * settles once the flush before has committed; only the run's aggregates are written after it.
 */
export type BeforeCommit = (m: EntityManager) => Promise<void>;

/**
 * The write model: every write to tasks, scheduler_results, metrics, training_data and
 * model_versions, and the reads a run's executor needs to resume (its trace, its labelled rows,
 * its stored distributions). The read APIs read these tables in their own modules. A flush is one
 * transaction: the tasks, their results, their oracle labels and finished metric windows, each
 * table in one `unnest` statement (results by COPY), then whatever the caller commits with them
 * (the run's progress), then the run's running aggregates as of the batch's last task; ON CONFLICT DO NOTHING on the natural keys makes a replay after a crash harmless.
 */
@Injectable()
export class IngestRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Writes a batch, then `beforeCommit`, in one transaction. Results, the bulk of the rows, go by
   * COPY when none of them can exist yet; a replayed batch (or a COPY that meets an existing row)
   * goes by INSERT … ON CONFLICT DO NOTHING instead.
   */
  async flush(runId: number, batch: RunBatch, mayExist: boolean, beforeCommit: BeforeCommit): Promise<void> {
    if (!mayExist) {
      try {
        return await this.flushOnce(runId, batch, true, beforeCommit);
      } catch (e) {
        if ((e as { code?: string }).code !== UNIQUE_VIOLATION) throw e;
      }
    }
    await this.flushOnce(runId, batch, false, beforeCommit);
  }

  private async flushOnce(runId: number, batch: RunBatch, copyResults: boolean, beforeCommit: BeforeCommit): Promise<void> {
    await this.db.transaction(async (m) => {
      await writeBatch(m, runId, batch, copyResults);
      await beforeCommit(m);
      // Last, after the flush before committed: the aggregate rows it locks are the run's hot spot.
      if (batch.aggregates) await upsertAggregates(m, runId, batch.aggregates);
    });
  }

  /**
   * Per strategy, over its stored results: count, and min, p50, p95, p99, max of completion and
   * exec time, the percentiles by percentile_cont (the leaderboard's method).
   */
  storedDistributions(runId: number): Promise<StoredDistribution[]> {
    const distribution = (column: string) =>
      `ARRAY[min(${column})] || percentile_cont(ARRAY[0.5, 0.95, 0.99]::float8[]) WITHIN GROUP (ORDER BY ${column}) || ARRAY[max(${column})]`;
    return rows<StoredDistribution>(
      this.db,
      `SELECT scheduler_name AS scheduler, count(*)::int AS tasks,
              ${distribution('completion_time')} AS "completionTime", ${distribution('exec_time')} AS "execTime"
       FROM scheduler_results WHERE run_id = $1 GROUP BY scheduler_name`,
      [runId],
    );
  }

  async insertModelVersion(v: NewModelVersion): Promise<void> {
    await execute(
      this.db,
      `INSERT INTO model_versions (run_id, version, trained_at_task, samples, r2, mae, feature_importances, duration_ms, model)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (run_id, version) DO NOTHING`,
      [v.runId, v.version, v.trainedAtTask, v.samples, v.r2, v.mae, JSON.stringify(v.featureImportances), v.durationMs, JSON.stringify(v.model)],
    );
  }

  /**
   * The latest `limit` labelled rows of a run up to and including task `taskId`, oldest first, in
   * the run's processing order: task ids for generated runs (they are the task indices), the
   * stored order of the trace for trace replays (stored up front, so tasks.id follows it).
   */
  async trainingRowsUpTo(runId: number, taskId: number, limit: number, order: 'generated' | 'trace'): Promise<LabelledRow[]> {
    const columns = `d.size, d.compute_intensity AS ci, d.memory_required AS mem, d.memory_per_size AS mps, d.compute_to_memory AS ctm, d.optimal_gpu_fraction AS label`;
    type Row = { size: number; ci: number; mem: number; mps: number; ctm: number; label: number };
    const latest =
      order === 'generated'
        ? await rows<Row>(this.db, `SELECT ${columns} FROM training_data d WHERE d.run_id = $1 AND d.task_id <= $2 ORDER BY d.task_id DESC LIMIT $3`, [runId, taskId, limit])
        : await rows<Row>(
            this.db,
            `SELECT ${columns} FROM training_data d JOIN tasks t ON t.run_id = d.run_id AND t.task_id = d.task_id
              WHERE d.run_id = $1 AND t.id <= (SELECT id FROM tasks WHERE run_id = $1 AND task_id = $2)
              ORDER BY t.id DESC LIMIT $3`,
            [runId, taskId, limit],
          );
    return latest.reverse().map((r) => ({ features: [r.size, r.ci, r.mem, r.mps, r.ctm], label: r.label }));
  }





  /** Stores a trace's tasks up front, in processing order, so a resumed replay reads the same stream. */
  async insertTraceTasks(runId: number, tasks: readonly Task[]): Promise<void> {
    const CHUNK = 20_000;
    await this.db.transaction(async (m) => {
      for (let i = 0; i < tasks.length; i += CHUNK) {
        const batch = new RunBatch(true);
        for (const task of tasks.slice(i, i + CHUNK)) batch.addTask(task);
        await insertTasks(m, runId, batch);
      }
    });
  }

  /** A trace run's tasks in processing order (the surrogate t.id; the answer's id is the task id). */
  async loadTraceTasks(runId: number): Promise<Task[]> {
    return rows<Task>(
      this.db,
      `SELECT t.task_id AS id, t.size, t.compute_intensity AS "computeIntensity", t.memory_required AS "memoryRequired",
              t.duration_estimate AS "durationEstimate", t.arrival_time AS "arrivalTime", t.dependencies
         FROM tasks t WHERE t.run_id = $1 ORDER BY t.id`,
      [runId],
    );
  }


}

const UNIQUE_VIOLATION = '23505';
