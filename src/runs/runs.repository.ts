import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { SimulationRun, type RunKind, type RunStatus } from './simulation-run.entity.js';

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

/** A stored run as its executor reopens it. */
export interface StoredRun {
  kind: RunKind;
  status: RunStatus;
  config: Record<string, unknown>;
  tasksTotal: number | null;
  tasksProcessed: number;
  checkpoint: unknown;
}

/**
 * The only code that touches `simulation_state`: the runs, their status, progress and checkpoints.
 * Raw SQL through `db.query` with numbered parameters, as every repository here; the entity is
 * mapped for the pages of runs the API lists.
 */
@Injectable()
export class RunsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async create(run: NewRun): Promise<number> {
    const rows: { id: number }[] = await this.db.query(
      `INSERT INTO simulation_state (name, kind, status, seed, config, tasks_total) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
      [run.name, run.kind, run.status, run.seed, JSON.stringify(run.config), run.tasksTotal],
    );
    return rows[0].id;
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

  /** The run's committed progress, and its checkpoint when one is due: the last statement of a flush, in its transaction. */
  async writeProgress(m: EntityManager, runId: number, p: RunProgress): Promise<void> {
    await m.query(
      `UPDATE simulation_state SET tasks_processed = GREATEST(tasks_processed, $2), updated_at = now(),
         rng_state = COALESCE($3::jsonb, rng_state),
         last_retrain_at = COALESCE($4, last_retrain_at),
         model_info = COALESCE($5::jsonb, model_info)
       WHERE id = $1`,
      [runId, p.tasksProcessed, p.checkpoint ? JSON.stringify(p.checkpoint) : null, p.lastRetrainAt ?? null, p.modelInfo ? JSON.stringify(p.modelInfo) : null],
    );
  }

  /** Runs that were executing (or waiting) when the process last stopped. */
  findUnfinished(): Promise<{ id: number; kind: RunKind; status: RunStatus }[]> {
    return this.db.query(`SELECT id, kind, status FROM simulation_state WHERE status IN ('queued', 'running', 'paused') ORDER BY id`);
  }

  /** A run's settings and checkpoint, to open it again. */
  async load(runId: number): Promise<StoredRun | null> {
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

  /** Newest first; `afterId` is the last id of the previous page. */
  findPage(limit: number, afterId?: number): Promise<SimulationRun[]> {
    const query = this.db.getRepository(SimulationRun).createQueryBuilder('r').orderBy('r.id', 'DESC').limit(limit);
    if (afterId !== undefined) query.where('r.id < :afterId', { afterId });
    return query.getMany();
  }

  findById(id: number): Promise<SimulationRun | null> {
    return this.db.getRepository(SimulationRun).findOneBy({ id });
  }

  async exists(id: number): Promise<boolean> {
    return (await this.db.query(`SELECT 1 FROM simulation_state WHERE id = $1`, [id])).length > 0;
  }

  /** The id of the newest run of kind 'continuous', running or not. */
  async latestContinuousId(): Promise<number | undefined> {
    const rows: { id: number }[] = await this.db.query(`SELECT id FROM simulation_state WHERE kind = 'continuous' ORDER BY id DESC LIMIT 1`);
    return rows[0]?.id;
  }

  /** Deletes a run; its rows in every other table go with it (ON DELETE CASCADE). False when there was no such run. */
  async delete(runId: number): Promise<boolean> {
    // TypeORM answers a DELETE with [rows, affected].
    const [, affected]: [unknown[], number] = await this.db.query(`DELETE FROM simulation_state WHERE id = $1`, [runId]);
    return affected > 0;
  }

  /** Every run and all of its rows (TRUNCATE … CASCADE empties the tables that reference runs); answers the ids that were. */
  async deleteAll(): Promise<number[]> {
    return this.db.transaction(async (m) => {
      await m.query('LOCK TABLE simulation_state IN ACCESS EXCLUSIVE MODE');
      const rows: { id: number }[] = await m.query('SELECT id FROM simulation_state');
      await m.query('TRUNCATE simulation_state CASCADE');
      return rows.map((r) => r.id);
    });
  }
}
