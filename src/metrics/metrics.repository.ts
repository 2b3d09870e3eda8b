import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { one, rows, Where } from '../database/sql.js';
import type { MetricWindow } from './metric-window.entity.js';

export type WindowKey = [windowStart: number, schedulerName: string];

const WINDOW_COLUMNS = `w.id, w.run_id AS "runId", w.scheduler_name AS "schedulerName", w.window_start AS "windowStart",
  w.window_end AS "windowEnd", w.total_tasks AS "totalTasks", w.total_time AS "totalTime", w.avg_time AS "avgTime",
  w.min_time AS "minTime", w.max_time AS "maxTime", w.total_energy AS "totalEnergy", w.total_cost AS "totalCost",
  w.wins, w.losses, w.stats, w.created_at AS "createdAt"`;

@Injectable()
export class MetricsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * One run's windows as a time series: by window start, then strategy (unique within a run, so
   * a stable keyset). New windows start later, so they land after every existing one.
   */
  findSeriesPage(runId: number, scheduler: string | undefined, limit: number, after?: WindowKey): Promise<MetricWindow[]> {
    const where = new Where().and('w.run_id = ?', runId);
    if (scheduler !== undefined) where.and('w.scheduler_name = ?', scheduler);
    if (after !== undefined) where.and('(w.window_start, w.scheduler_name) > (?, ?)', after[0], after[1]);
    return rows<MetricWindow>(
      this.db,
      `SELECT ${WINDOW_COLUMNS} FROM metrics w ${where} ORDER BY w.window_start, w.scheduler_name LIMIT ${where.bind(limit)}`,
      where.params,
    );
  }

  async findWindowById(id: number): Promise<MetricWindow | null> {
    return (await one<MetricWindow>(this.db, `SELECT ${WINDOW_COLUMNS} FROM metrics w WHERE w.id = $1`, [id])) ?? null;
  }
}
