import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Readable } from 'node:stream';
import type { DataSource } from 'typeorm';
import { one, rows, Where } from '../database/sql.js';

export interface ResultFilter {
  runId?: number;
  scheduler?: string;
  taskId?: number;
  /** Task range, inclusive at both ends. */
  taskFrom?: number;
  taskTo?: number;
}

/** A result row as the API names it (camelCase, no surrogate id). */
export interface ResultRow {
  runId: number;
  taskId: number;
  schedulerName: string;
  gpuFraction: number;
  cpuFraction: number;
  gpuId: number | null;
  execTime: number;
  waitTime: number;
  completionTime: number;
  startTime: number;
  finishTime: number;
  energyConsumption: number;
  executionCost: number;
}

/** One strategy's result for a task, joined to the task's features (comparative history). */
export interface ComparativeRow {
  taskId: number;
  size: number;
  computeIntensity: number;
  memoryRequired: number;
  arrivalTime: number;
  schedulerName: string | null;
  gpuFraction: number | null;
  gpuId: number | null;
  execTime: number | null;
  waitTime: number | null;
  completionTime: number | null;
  energyConsumption: number | null;
  executionCost: number | null;
}

export type ResultKey = [runId: number, taskId: number, schedulerName: string];

const RESULT_COLUMNS = `r.run_id AS "runId", r.task_id AS "taskId", r.scheduler_name AS "schedulerName", r.gpu_fraction AS "gpuFraction",
  r.cpu_fraction AS "cpuFraction", r.gpu_id AS "gpuId", r.exec_time AS "execTime", r.wait_time AS "waitTime",
  r.completion_time AS "completionTime", r.start_time AS "startTime", r.finish_time AS "finishTime",
  r.energy_consumption AS "energyConsumption", r.execution_cost AS "executionCost"`;

const COMPARATIVE_COLUMNS = `t.task_id AS "taskId", t.size, t.compute_intensity AS "computeIntensity", t.memory_required AS "memoryRequired",
  t.arrival_time AS "arrivalTime", r.scheduler_name AS "schedulerName", r.gpu_fraction AS "gpuFraction", r.gpu_id AS "gpuId",
  r.exec_time AS "execTime", r.wait_time AS "waitTime", r.completion_time AS "completionTime",
  r.energy_consumption AS "energyConsumption", r.execution_cost AS "executionCost"`;

/**
 * Results are ordered by their natural key (run, task, strategy), which the unique index serves:
 * new rows land after the existing ones of their run, so walking the pages returns every row
 * that existed at the start exactly once while a run keeps writing.
 */
@Injectable()
export class ResultsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  findPage(filter: ResultFilter, limit: number, after?: ResultKey): Promise<ResultRow[]> {
    const where = resultWhere(filter, after);
    return rows<ResultRow>(
      this.db,
      `SELECT ${RESULT_COLUMNS} FROM scheduler_results r ${where} ORDER BY r.run_id, r.task_id, r.scheduler_name LIMIT ${where.bind(limit)}`,
      where.params,
    );
  }

  /** The lowest task id the run's stored results start at (older ones pruned by retention); null when none. */
  async firstTaskId(runId: number): Promise<number | null> {
    return (await one<{ first: number | null }>(this.db, `SELECT min(task_id) AS first FROM scheduler_results WHERE run_id = $1`, [runId]))?.first ?? null;
  }

  findByTask(runId: number, taskId: number): Promise<ResultRow[]> {
    return rows<ResultRow>(this.db, `SELECT ${RESULT_COLUMNS} FROM scheduler_results r WHERE r.run_id = $1 AND r.task_id = $2 ORDER BY r.scheduler_name`, [runId, taskId]);
  }

  /** Every matching row in page order, as a stream (PostgreSQL cursor, batches of 500). */
  streamResults(filter: ResultFilter): Promise<Readable> {
    const where = resultWhere(filter);
    return this.stream(`SELECT ${RESULT_COLUMNS} FROM scheduler_results r ${where} ORDER BY r.run_id, r.task_id, r.scheduler_name`, where.params);
  }

  /** The latest `limit` tasks of the run before `beforeTaskId`, each with one row per strategy (latest first). */
  comparativePage(runId: number, limit: number, beforeTaskId?: number): Promise<ComparativeRow[]> {
    const before = beforeTaskId === undefined ? '' : 'AND task_id < $3';
    const params = beforeTaskId === undefined ? [runId, limit] : [runId, limit, beforeTaskId];
    return rows<ComparativeRow>(
      this.db,
      `SELECT ${COMPARATIVE_COLUMNS}
       FROM (SELECT * FROM tasks WHERE run_id = $1 ${before} ORDER BY task_id DESC LIMIT $2) t
       LEFT JOIN scheduler_results r ON r.run_id = t.run_id AND r.task_id = t.task_id
       ORDER BY t.task_id DESC, r.scheduler_name`,
      params,
    );
  }

  /** Every task of the run with its strategies' rows, latest first, as a stream. */
  streamComparative(runId: number): Promise<Readable> {
    return this.stream(
      `SELECT ${COMPARATIVE_COLUMNS} FROM tasks t
       LEFT JOIN scheduler_results r ON r.run_id = t.run_id AND r.task_id = t.task_id
       WHERE t.run_id = $1 ORDER BY t.task_id DESC, r.scheduler_name`,
      [runId],
    );
  }

  /** Runs the query on a connection of its own and gives it back when the stream ends, fails or is destroyed. */
  private async stream(sql: string, params: unknown[]): Promise<Readable> {
    const runner = this.db.createQueryRunner('slave');
    await runner.connect();
    try {
      const stream = await runner.stream(sql, params);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        void runner.release();
      };
      stream.once('close', release);
      stream.once('end', release);
      stream.once('error', release);
      return stream as Readable;
    } catch (e) {
      await runner.release();
      throw e;
    }
  }
}

function resultWhere(filter: ResultFilter, after?: ResultKey): Where {
  const where = new Where();
  if (filter.runId !== undefined) where.and('r.run_id = ?', filter.runId);
  if (filter.scheduler !== undefined) where.and('r.scheduler_name = ?', filter.scheduler);
  if (filter.taskId !== undefined) where.and('r.task_id = ?', filter.taskId);
  if (filter.taskFrom !== undefined) where.and('r.task_id >= ?', filter.taskFrom);
  if (filter.taskTo !== undefined) where.and('r.task_id <= ?', filter.taskTo);
  if (after) where.and('(r.run_id, r.task_id, r.scheduler_name) > (?, ?, ?)', ...after);
  return where;
}
