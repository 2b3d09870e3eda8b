import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { one, rows, Where } from '../database/sql.js';
import type { Task } from './task.entity.js';

export interface TaskFilter {
  runId?: number;
  minSize?: number;
  maxSize?: number;
  minIntensity?: number;
  maxIntensity?: number;
  /** Task range, inclusive at both ends. */
  taskFrom?: number;
  taskTo?: number;
}

export type TaskKey = [runId: number, taskId: number];

const TASK_COLUMNS = `t.id, t.run_id AS "runId", t.task_id AS "taskId", t.size, t.compute_intensity AS "computeIntensity",
  t.memory_required AS "memoryRequired", t.duration_estimate AS "durationEstimate", t.arrival_time AS "arrivalTime",
  t.dependencies, t.created_at AS "createdAt"`;

@Injectable()
export class TasksRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Ordered by (run, task), the unique key: a run's new tasks land after its existing ones, so a
   * walk over the pages sees every task that existed at its start exactly once. `after` is the
   * previous page's last key.
   */
  findPage(filter: TaskFilter, limit: number, after?: TaskKey): Promise<Task[]> {
    const where = new Where();
    if (after !== undefined) where.and('(t.run_id, t.task_id) > (?, ?)', after[0], after[1]);
    if (filter.runId !== undefined) where.and('t.run_id = ?', filter.runId);
    if (filter.minSize !== undefined) where.and('t.size >= ?', filter.minSize);
    if (filter.maxSize !== undefined) where.and('t.size <= ?', filter.maxSize);
    if (filter.minIntensity !== undefined) where.and('t.compute_intensity >= ?', filter.minIntensity);
    if (filter.maxIntensity !== undefined) where.and('t.compute_intensity <= ?', filter.maxIntensity);
    if (filter.taskFrom !== undefined) where.and('t.task_id >= ?', filter.taskFrom);
    if (filter.taskTo !== undefined) where.and('t.task_id <= ?', filter.taskTo);
    return rows<Task>(this.db, `SELECT ${TASK_COLUMNS} FROM tasks t ${where} ORDER BY t.run_id, t.task_id LIMIT ${where.bind(limit)}`, where.params);
  }

  /** The lowest task id the run's stored tasks start at (older ones pruned by retention); null when none. */
  async firstTaskId(runId: number): Promise<number | null> {
    return (await one<{ first: number | null }>(this.db, `SELECT min(task_id) AS first FROM tasks WHERE run_id = $1`, [runId]))?.first ?? null;
  }

  async findById(id: number): Promise<Task | null> {
    return (await one<Task>(this.db, `SELECT ${TASK_COLUMNS} FROM tasks t WHERE t.id = $1`, [id])) ?? null;
  }
}
