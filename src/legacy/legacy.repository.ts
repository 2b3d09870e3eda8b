import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { rows } from '../database/sql.js';
import type { ComparativeHistoryRow } from './dto/comparative-history.dto.js';
import type { FullHistoryRow } from './dto/full-history-row.response.js';

/** The legacy dashboard's reads, in the dashboard's own column names. */
@Injectable()
export class LegacyRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** A run's latest `limit` training rows, latest first (task ids follow the run's order). */
  trainingLatestFirst(runId: number, limit: number): Promise<FullHistoryRow[]> {
    return rows<FullHistoryRow>(
      this.db,
      `SELECT task_id, size, compute_intensity, memory_required, optimal_gpu_fraction, optimal_time
         FROM training_data WHERE run_id = $1 ORDER BY task_id DESC LIMIT $2`,
      [runId, limit],
    );
  }

  /** A run's latest `limit` tasks with every strategy's result, latest first. */
  comparativeLatestFirst(runId: number, limit: number): Promise<ComparativeHistoryRow[]> {
    return rows<ComparativeHistoryRow>(
      this.db,
      `WITH latest AS (
         SELECT task_id, size, compute_intensity FROM tasks WHERE run_id = $1 ORDER BY task_id DESC LIMIT $2
       )
       SELECT t.task_id, t.size, t.compute_intensity AS intensity,
              jsonb_object_agg(r.scheduler_name, jsonb_build_object('time', r.completion_time, 'energy', r.energy_consumption, 'cost', r.execution_cost)) AS results
         FROM latest t
         JOIN scheduler_results r ON r.run_id = $1 AND r.task_id = t.task_id
        GROUP BY t.task_id, t.size, t.compute_intensity
        ORDER BY t.task_id DESC`,
      [runId, limit],
    );
  }
}
