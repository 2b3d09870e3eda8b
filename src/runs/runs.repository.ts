import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { affected, execute, one, rows, Where } from '../database/sql.js';
import { FencedError } from './execution/fence.js';
import type { RunKind, RunStatus, SimulationRun } from './simulation-run.entity.js';

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

// Every column but one, named as the entity names them (RunResponse maps from these). Not the checkpoint (rng_state, about 1 MB for a run with a model): only a resume reads it, through
// its own query, and a page of runs must not carry one per run.
/** A run as read for answers: every column but its checkpoint. */
export type RunRow = Omit<SimulationRun, 'rngState'>;

const RUN_COLUMNS = `r.id, r.name, r.kind, r.status, r.seed, r.config, r.tasks_processed AS "tasksProcessed", r.tasks_total AS "tasksTotal",
  r.last_retrain_at AS "lastRetrainAt", r.model_info AS "modelInfo", r.summary, r.error,
  r.created_at AS "createdAt", r.updated_at AS "updatedAt", r.started_at AS "startedAt", r.finished_at AS "finishedAt"`;

/**
 * The only code that touches `simulation_state`: the runs, their status, progress and checkpoints.
 * Raw SQL through the helper in database/sql.ts, as every repository here.
 */
@Injectable()
export class RunsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async create(run: NewRun): Promise<number> {
    const row = await one<{ id: number }>(
      this.db,
      `INSERT INTO simulation_state (name, kind, status, seed, config, tasks_total) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
      [run.name, run.kind, run.status, run.seed, JSON.stringify(run.config), run.tasksTotal],
    );
    return row!.id;
  }

  async setStatus(
    runId: number,
    status: RunStatus,
    extra: { error?: string | null; summary?: unknown; started?: boolean; finished?: boolean } = {},
  ): Promise<void> {
    await execute(
      this.db,
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
    await execute(this.db, 'UPDATE simulation_state SET summary = $2::jsonb, updated_at = now() WHERE id = $1', [runId, JSON.stringify(summary)]);
  }

  /** The run's committed progress, and its checkpoint when one is due: the last statement of a flush, in its transaction. */
  async writeProgress(m: EntityManager, runId: number, p: RunProgress): Promise<void> {
    await execute(
      m,
      `UPDATE simulation_state SET tasks_processed = GREATEST(tasks_processed, $2), updated_at = now(),
         rng_state = COALESCE($3::jsonb, rng_state),
         last_retrain_at = COALESCE($4, last_retrain_at),
         model_info = COALESCE($5::jsonb, model_info)
       WHERE id = $1`,
      [runId, p.tasksProcessed, p.checkpoint ? JSON.stringify(p.checkpoint) : null, p.lastRetrainAt ?? null, p.modelInfo ? JSON.stringify(p.modelInfo) : null],
    );
  }

  /**
   * Makes `token` the run's executor: from now on only flushes fenced with it commit (an execution
   * that opened the run earlier, in this process or another, is fenced off). False when there is no such run.
   */
  async claim(runId: number, token: string): Promise<boolean> {
    return (await affected(this.db, 'UPDATE simulation_state SET executor = $2 WHERE id = $1', [runId, token])) > 0;
  }

  /**
   * In a flush's transaction: throws FencedError unless `token` is still the run's executor. The
   * row stays locked until the commit, so a claim that comes meanwhile waits for it. (Not FOR
   * UPDATE: the next flush's rows, already in, hold a key-share lock on the row while it waits for this commit.)
   */
  async assertExecutor(m: EntityManager, runId: number, token: string): Promise<void> {
    const row = await one<{ executor: string | null }>(m, 'SELECT executor FROM simulation_state WHERE id = $1 FOR NO KEY UPDATE', [runId]);
    if (!row) throw new FencedError(runId, 'the run was deleted');
    if (row.executor !== token) throw new FencedError(runId, 'another execution claimed the run');
  }

  /** Runs that were executing (or waiting) when the process last stopped. */
  findUnfinished(): Promise<{ id: number; kind: RunKind; status: RunStatus }[]> {
    return rows(this.db, `SELECT id, kind, status FROM simulation_state WHERE status IN ('queued', 'running', 'paused') ORDER BY id`);
  }

  /** A run's settings and checkpoint, to open it again. */
  async load(runId: number): Promise<StoredRun | null> {
    const run = await one<StoredRun>(
      this.db,
      `SELECT kind, status, config, tasks_total AS "tasksTotal", tasks_processed AS "tasksProcessed", rng_state AS checkpoint FROM simulation_state WHERE id = $1`,
      [runId],
    );
    return run ?? null;
  }

  /** The task a run's last checkpoint was taken after: undefined when the run does not exist, null before its first checkpoint. */
  async checkpointIndex(runId: number): Promise<number | null | undefined> {
    const row = await one<{ taskIndex: number | null }>(this.db, `SELECT (rng_state->>'taskIndex')::int AS "taskIndex" FROM simulation_state WHERE id = $1`, [runId]);
    return row?.taskIndex;
  }

  /** A run's last checkpoint (engine state as of taskIndex): undefined when the run does not exist, null before its first. */
  async loadCheckpoint(runId: number): Promise<{ taskIndex: number; engine: unknown } | null | undefined> {
    const row = await one<{ taskIndex: number | null; engine: unknown }>(
      this.db,
      `SELECT (rng_state->>'taskIndex')::int AS "taskIndex", rng_state->'engine' AS engine FROM simulation_state WHERE id = $1`,
      [runId],
    );
    if (row === undefined) return undefined;
    return row.taskIndex === null || row.engine === null ? null : { taskIndex: row.taskIndex, engine: row.engine };
  }

  /** Newest first; `afterId` is the last id of the previous page. */
  findPage(limit: number, afterId?: number): Promise<RunRow[]> {
    const where = new Where();
    if (afterId !== undefined) where.and('r.id < ?', afterId);
    return rows<RunRow>(this.db, `SELECT ${RUN_COLUMNS} FROM simulation_state r ${where} ORDER BY r.id DESC LIMIT ${where.bind(limit)}`, where.params);
  }

  async findById(id: number): Promise<RunRow | null> {
    return (await one<RunRow>(this.db, `SELECT ${RUN_COLUMNS} FROM simulation_state r WHERE r.id = $1`, [id])) ?? null;
  }

  /** Status and committed progress of each of `ids` that exists. */
  progressOf(ids: readonly number[]): Promise<{ id: number; status: RunStatus; tasksProcessed: number }[]> {
    return rows(this.db, `SELECT id, status, tasks_processed AS "tasksProcessed" FROM simulation_state WHERE id = ANY($1::int[])`, [ids]);
  }

  async exists(id: number): Promise<boolean> {
    return (await one(this.db, `SELECT 1 FROM simulation_state WHERE id = $1`, [id])) !== undefined;
  }

  /** A run's kind; undefined when there is no such run. */
  async kindOf(id: number): Promise<RunKind | undefined> {
    return (await one<{ kind: RunKind }>(this.db, `SELECT kind FROM simulation_state WHERE id = $1`, [id]))?.kind;
  }

  /** The id of the newest run of kind 'continuous', running or not. */
  async latestContinuousId(): Promise<number | undefined> {
    const row = await one<{ id: number }>(this.db, `SELECT id FROM simulation_state WHERE kind = 'continuous' ORDER BY id DESC LIMIT 1`);
    return row?.id;
  }

  /** The newest continuous run's id, status and committed progress, if there is one. */
  latestContinuous(): Promise<{ id: number; status: RunStatus; tasksProcessed: number } | undefined> {
    return one(this.db, `SELECT id, status, tasks_processed AS "tasksProcessed" FROM simulation_state WHERE kind = 'continuous' ORDER BY id DESC LIMIT 1`);
  }

  /** Deletes a run; its rows in every other table go with it (ON DELETE CASCADE). False when there was no such run. */
  async delete(runId: number): Promise<boolean> {
    return (await affected(this.db, `DELETE FROM simulation_state WHERE id = $1`, [runId])) > 0;
  }

  /** Every run and all of its rows (TRUNCATE … CASCADE empties the tables that reference runs); answers the ids that were. */
  async deleteAll(): Promise<number[]> {
    return this.db.transaction(async (m) => {
      await execute(m, 'LOCK TABLE simulation_state IN ACCESS EXCLUSIVE MODE');
      const ids = await rows<{ id: number }>(m, 'SELECT id FROM simulation_state');
      await execute(m, 'TRUNCATE simulation_state CASCADE');
      return ids.map((r) => r.id);
    });
  }
}
