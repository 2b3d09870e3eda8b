import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { RunScope } from '../runs/run-scope.service.js';
import type { RunKind, RunStatus } from '../runs/simulation-run.entity.js';
import type { Task } from '../engine/index.js';
import { insertTasks, writeBatch, writeProgress, type RunProgress } from './flush-statements.js';
import { RunBatch } from './run-batch.js';

export interface NewRun {
  name: string;
  kind: RunKind;
  status: RunStatus;
  seed: number;
  config: Record<string, unknown>;
  tasksTotal: number | null;
}

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
 * Every write a run makes, and the reads that resuming one needs. A flush is one transaction: the tasks, their results, their oracle
 * labels, finished metric windows and the run's progress, each table in one `unnest` statement;
 * ON CONFLICT DO NOTHING on the natural keys makes a replay after a crash harmless.
 */
@Injectable()
export class RunStoreRepository {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    // Told when a write changes which run is the continuous one.
    private readonly scope: RunScope,
  ) {}

  async createRun(run: NewRun): Promise<number> {
    const rows: { id: number }[] = await this.db.query(
      `INSERT INTO simulation_state (name, kind, status, seed, config, tasks_total) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
      [run.name, run.kind, run.status, run.seed, JSON.stringify(run.config), run.tasksTotal],
    );
    if (run.kind === 'continuous') this.scope.forgetContinuous();
    return rows[0].id;
  }

  /**
   * Writes a batch and the run's progress in one transaction. Results, the bulk of the rows, go by
   * COPY when none of them can exist yet; a replayed batch (or a COPY that meets an existing row)
   * goes by INSERT … ON CONFLICT DO NOTHING instead.
   */
  async flush(runId: number, batch: RunBatch, progress: RunProgress, mayExist: boolean, beforeCommit: () => Promise<void> = async () => undefined): Promise<void> {
    if (!mayExist) {
      try {
        return await this.flushOnce(runId, batch, progress, true, beforeCommit);
      } catch (e) {
        if ((e as { code?: string }).code !== UNIQUE_VIOLATION) throw e;
      }
    }
    await this.flushOnce(runId, batch, progress, false, beforeCommit);
  }

  /**
   * `beforeCommit` runs inside the transaction after the rows are in and before the progress is
   * written: a concurrent flush waits there for the one before it, so progress commits in order.
   */
  private async flushOnce(runId: number, batch: RunBatch, progress: RunProgress, copyResults: boolean, beforeCommit: () => Promise<void>): Promise<void> {
    await this.db.transaction(async (m) => {
      await writeBatch(m, runId, batch, copyResults);
      await beforeCommit();
      await writeProgress(m, runId, progress);
    });
  }

  async setStatus(
    runId: number,
    status: RunStatus,
    extra: { error?: string | null; summary?: unknown; started?: boolean; finished?: boolean } = {},
  ): Promise<void> {
    await this.db.query(
      `UPDATE simulation_state SET status = $2, updated_at = now(),
         error = CASE WHEN $3::boolean THEN $4 ELSE error END,
         summary = COALESCE($5::jsonb, summary),
         started_at = CASE WHEN $6::boolean THEN COALESCE(started_at, now()) ELSE started_at END,
         finished_at = CASE WHEN $7::boolean THEN now() ELSE finished_at END
       WHERE id = $1`,
      [runId, status, extra.error !== undefined, extra.error ?? null, extra.summary === undefined ? null : JSON.stringify(extra.summary), extra.started ?? false, extra.finished ?? false],
    );
  }

  /** Replaces a run's stored summary, whatever its status. */
  async setSummary(runId: number, summary: unknown): Promise<void> {
    await this.db.query('UPDATE simulation_state SET summary = $2::jsonb, updated_at = now() WHERE id = $1', [runId, JSON.stringify(summary)]);
  }

  /**
   * Per strategy, over its stored results: count, and min, p50, p95, p99, max of completion and
   * exec time, the percentiles by percentile_cont (the leaderboard's method).
   */
  storedDistributions(runId: number): Promise<StoredDistribution[]> {
    const distribution = (column: string) =>
      `ARRAY[min(${column})] || percentile_cont(ARRAY[0.5, 0.95, 0.99]::float8[]) WITHIN GROUP (ORDER BY ${column}) || ARRAY[max(${column})]`;
    return this.db.query(
      `SELECT scheduler_name AS scheduler, count(*)::int AS tasks,
              ${distribution('completion_time')} AS "completionTime", ${distribution('exec_time')} AS "execTime"
       FROM scheduler_results WHERE run_id = $1 GROUP BY scheduler_name`,
      [runId],
    );
  }

  async insertModelVersion(v: NewModelVersion): Promise<void> {
    await this.db.query(
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
    const rows: { size: number; ci: number; mem: number; mps: number; ctm: number; label: number }[] =
      order === 'generated'
        ? await this.db.query(`SELECT ${columns} FROM training_data d WHERE d.run_id = $1 AND d.task_id <= $2 ORDER BY d.task_id DESC LIMIT $3`, [runId, taskId, limit])
        : await this.db.query(
            `SELECT ${columns} FROM training_data d JOIN tasks t ON t.run_id = d.run_id AND t.task_id = d.task_id
              WHERE d.run_id = $1 AND t.id <= (SELECT id FROM tasks WHERE run_id = $1 AND task_id = $2)
              ORDER BY t.id DESC LIMIT $3`,
            [runId, taskId, limit],
          );
    return rows.reverse().map((r) => ({ features: [r.size, r.ci, r.mem, r.mps, r.ctm], label: r.label }));
  }

  /** Runs that were executing (or waiting) when the process last stopped. */
  findUnfinished(): Promise<{ id: number; kind: RunKind; status: RunStatus }[]> {
    return this.db.query(`SELECT id, kind, status FROM simulation_state WHERE status IN ('queued', 'running', 'paused') ORDER BY id`);
  }

  /** A run's settings and checkpoint, to open it again. */
  async loadRun(
    runId: number,
  ): Promise<{ kind: RunKind; status: RunStatus; config: Record<string, unknown>; tasksTotal: number | null; tasksProcessed: number; checkpoint: unknown } | null> {
    const rows: { kind: RunKind; status: RunStatus; config: Record<string, unknown>; tasks_total: number | null; tasks_processed: number; rng_state: unknown }[] =
      await this.db.query(`SELECT kind, status, config, tasks_total, tasks_processed, rng_state FROM simulation_state WHERE id = $1`, [runId]);
    const r = rows[0];
    return r ? { kind: r.kind, status: r.status, config: r.config, tasksTotal: r.tasks_total, tasksProcessed: r.tasks_processed, checkpoint: r.rng_state } : null;
  }

  /** The task a run's last checkpoint was taken after: undefined when the run does not exist, null before its first checkpoint. */
  async checkpointIndex(runId: number): Promise<number | null | undefined> {
    const rows: { task_index: number | null }[] = await this.db.query(`SELECT (rng_state->>'taskIndex')::int AS task_index FROM simulation_state WHERE id = $1`, [runId]);
    return rows.length === 0 ? undefined : rows[0].task_index;
  }

  /** A run's last checkpoint (engine state as of taskIndex): undefined when the run does not exist, null before its first. */
  async loadCheckpoint(runId: number): Promise<{ taskIndex: number; engine: unknown } | null | undefined> {
    const rows: { task_index: number | null; engine: unknown }[] = await this.db.query(
      `SELECT (rng_state->>'taskIndex')::int AS task_index, rng_state->'engine' AS engine FROM simulation_state WHERE id = $1`,
      [runId],
    );
    if (rows.length === 0) return undefined;
    const r = rows[0];
    return r.task_index === null || r.engine === null ? null : { taskIndex: r.task_index, engine: r.engine };
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

  /** A trace run's tasks in processing order. */
  async loadTraceTasks(runId: number): Promise<Task[]> {
    const rows: { task_id: number; size: number; ci: number; mem: number; dur: number; arrival: number; deps: number[] }[] = await this.db.query(
      `SELECT task_id, size, compute_intensity AS ci, memory_required AS mem, duration_estimate AS dur, arrival_time AS arrival, dependencies AS deps
         FROM tasks WHERE run_id = $1 ORDER BY id`,
      [runId],
    );
    return rows.map((r) => ({
      id: r.task_id,
      size: r.size,
      computeIntensity: r.ci,
      memoryRequired: r.mem,
      durationEstimate: r.dur,
      arrivalTime: r.arrival,
      dependencies: r.deps,
    }));
  }

  async deleteRun(runId: number): Promise<boolean> {
    // TypeORM answers a DELETE with [rows, affected].
    const [, affected]: [unknown[], number] = await this.db.query(`DELETE FROM simulation_state WHERE id = $1`, [runId]);
    this.scope.forgetContinuous();
    return affected > 0;
  }

  /** Every run and all of its rows. */
  async deleteAll(): Promise<void> {
    await this.db.query(`TRUNCATE simulation_state, tasks, scheduler_results, metrics, training_data, model_versions`);
    this.scope.forgetContinuous();
  }
}

const UNIQUE_VIOLATION = '23505';
