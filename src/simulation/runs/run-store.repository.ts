import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { DataSource, EntityManager } from 'typeorm';
import { RunScope } from '../../common/run-scope.service.js';
import type { RunKind, RunStatus } from '../simulation-run.entity.js';
import type { Task } from '../engine/index.js';
import { RunBatch } from './run-batch.js';

export interface NewRun {
  name: string;
  kind: RunKind;
  status: RunStatus;
  seed: number;
  config: Record<string, unknown>;
  tasksTotal: number | null;
}

/** Where a run stands after a flush: its committed progress, and a checkpoint when one is due. */
export interface RunProgress {
  tasksProcessed: number;
  /** Engine state as of `checkpoint.taskIndex`; written only at checkpoint boundaries (it is ~1 MB). */
  checkpoint?: { taskIndex: number; engine: unknown };
  lastRetrainAt?: number | null;
  modelInfo?: Record<string, unknown> | null;
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
      if (batch.size > 0) {
        if (batch.withTasks) await this.insertTasks(m, runId, batch);
        if (copyResults) await this.copyResults(m, runId, batch);
        else await this.insertResults(m, runId, batch);
        await this.insertTraining(m, runId, batch);
      }
      if (batch.windows.length > 0) await this.insertWindows(m, runId, batch);
      await beforeCommit();
      await this.updateProgress(m, runId, progress);
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

  /** Stores a trace's tasks up front, in processing order, so a resumed replay reads the same stream. */
  async insertTraceTasks(runId: number, tasks: readonly Task[]): Promise<void> {
    const CHUNK = 20_000;
    await this.db.transaction(async (m) => {
      for (let i = 0; i < tasks.length; i += CHUNK) {
        const batch = new RunBatch(true);
        for (const task of tasks.slice(i, i + CHUNK)) batch.addTask(task);
        await this.insertTasks(m, runId, batch);
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

  private async insertTasks(m: EntityManager, runId: number, b: RunBatch): Promise<void> {
    const t = b.tasks;
    await m.query(
      `INSERT INTO tasks (run_id, task_id, size, compute_intensity, memory_required, duration_estimate, arrival_time, dependencies)
       SELECT $1, u.* FROM unnest($2::int[], $3::int[], $4::float8[], $5::float8[], $6::float8[], $7::float8[], $8::text[]::jsonb[]) AS u
       ON CONFLICT (run_id, task_id) DO NOTHING`,
      [runId, t.taskId, t.size, t.computeIntensity, t.memoryRequired, t.durationEstimate, t.arrivalTime, t.dependencies],
    );
  }

  private async insertResults(m: EntityManager, runId: number, b: RunBatch): Promise<void> {
    const r = b.results;
    await m.query(
      `INSERT INTO scheduler_results (run_id, task_id, scheduler_name, gpu_fraction, cpu_fraction, gpu_id, exec_time, wait_time,
                                      completion_time, start_time, finish_time, energy_consumption, execution_cost, won)
       SELECT $1, u.* FROM unnest($2::int[], $3::varchar[], $4::float8[], $5::float8[], $6::smallint[], $7::float8[], $8::float8[],
                                  $9::float8[], $10::float8[], $11::float8[], $12::float8[], $13::float8[], $14::boolean[]) AS u
       ON CONFLICT (run_id, task_id, scheduler_name) DO NOTHING`,
      [runId, r.taskId, r.schedulerName, r.gpuFraction, r.cpuFraction, r.gpuId, r.execTime, r.waitTime, r.completionTime, r.startTime, r.finishTime, r.energy, r.cost, r.won],
    );
  }

  private async copyResults(m: EntityManager, runId: number, b: RunBatch): Promise<void> {
    const client = (await m.queryRunner!.connect()) as PoolClient;
    const stream = client.query(
      copyFrom(
        `COPY scheduler_results (run_id, task_id, scheduler_name, gpu_fraction, cpu_fraction, gpu_id, exec_time, wait_time,
                                 completion_time, start_time, finish_time, energy_consumption, execution_cost, won) FROM STDIN`,
      ),
    );
    await pipeline(Readable.from(resultLines(runId, b)), stream);
  }

  private async insertTraining(m: EntityManager, runId: number, b: RunBatch): Promise<void> {
    const t = b.training;
    const [size, ci, mem, mps, ctm] = t.features;
    await m.query(
      `INSERT INTO training_data (run_id, task_id, size, compute_intensity, memory_required, memory_per_size, compute_to_memory,
                                  optimal_gpu_fraction, optimal_time)
       SELECT $1, u.* FROM unnest($2::int[], $3::int[], $4::float8[], $5::float8[], $6::float8[], $7::float8[], $8::float8[], $9::float8[]) AS u
       ON CONFLICT (run_id, task_id) DO NOTHING`,
      [runId, t.taskId, size, ci, mem, mps, ctm, t.label, t.optimalTime],
    );
  }

  private async insertWindows(m: EntityManager, runId: number, b: RunBatch): Promise<void> {
    const col = <K extends keyof RunBatch['windows'][number]>(k: K) => b.windows.map((w) => w[k]);
    await m.query(
      `INSERT INTO metrics (run_id, scheduler_name, window_start, window_end, total_tasks, total_time, avg_time, min_time, max_time,
                            total_energy, total_cost, wins, losses)
       SELECT $1, u.* FROM unnest($2::varchar[], $3::int[], $4::int[], $5::int[], $6::float8[], $7::float8[], $8::float8[], $9::float8[],
                                  $10::float8[], $11::float8[], $12::int[], $13::int[]) AS u
       ON CONFLICT (run_id, scheduler_name, window_start) DO NOTHING`,
      [
        runId,
        col('schedulerName'),
        col('windowStart'),
        col('windowEnd'),
        col('totalTasks'),
        col('totalTime'),
        col('avgTime'),
        col('minTime'),
        col('maxTime'),
        col('totalEnergy'),
        col('totalCost'),
        col('wins'),
        col('losses'),
      ],
    );
  }

  private async updateProgress(m: EntityManager, runId: number, p: RunProgress): Promise<void> {
    await m.query(
      `UPDATE simulation_state SET tasks_processed = GREATEST(tasks_processed, $2), updated_at = now(),
         rng_state = COALESCE($3::jsonb, rng_state),
         last_retrain_at = COALESCE($4, last_retrain_at),
         model_info = COALESCE($5::jsonb, model_info)
       WHERE id = $1`,
      [runId, p.tasksProcessed, p.checkpoint ? JSON.stringify(p.checkpoint) : null, p.lastRetrainAt ?? null, p.modelInfo ? JSON.stringify(p.modelInfo) : null],
    );
  }
}

const UNIQUE_VIOLATION = '23505';
const LINES_PER_CHUNK = 1000;

/** The results of a batch as COPY text lines (numbers print exactly; null is \\N), a chunk at a time. */
function* resultLines(runId: number, b: RunBatch): Generator<string> {
  const r = b.results;
  let chunk = '';
  for (let i = 0; i < r.taskId.length; i++) {
    const gpu = r.gpuId[i] === null ? '\\N' : String(r.gpuId[i]);
    chunk += `${runId}\t${r.taskId[i]}\t${r.schedulerName[i]}\t${r.gpuFraction[i]}\t${r.cpuFraction[i]}\t${gpu}\t${r.execTime[i]}\t${r.waitTime[i]}\t${r.completionTime[i]}\t${r.startTime[i]}\t${r.finishTime[i]}\t${r.energy[i]}\t${r.cost[i]}\t${r.won[i] ? 't' : 'f'}\n`;
    if ((i + 1) % LINES_PER_CHUNK === 0) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}
