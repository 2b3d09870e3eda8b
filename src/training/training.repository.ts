import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { one, rows, Where } from '../database/sql.js';
import type { StoredModelVersion } from './model-version.entity.js';
import type { TrainingSample } from './training-sample.entity.js';

export const LABEL_BINS = 10;

export interface LabelStats {
  count: number;
  mean: number | null;
  min: number | null;
  max: number | null;
  stddev: number | null;
  cpuOnly: number;
  gpuOnly: number;
  /** Counts per bin of width 1/LABEL_BINS over [0, 1] (the last bin includes 1). */
  bins: number[];
}

const SAMPLE_COLUMNS = `s.id, s.run_id AS "runId", s.task_id AS "taskId", s.size, s.compute_intensity AS "computeIntensity",
  s.memory_required AS "memoryRequired", s.memory_per_size AS "memoryPerSize", s.compute_to_memory AS "computeToMemory",
  s.optimal_gpu_fraction AS "optimalGpuFraction", s.optimal_time AS "optimalTime", s.created_at AS "createdAt"`;

// Every column but the serialised model, which is large.
const MODEL_VERSION_COLUMNS = `m.id, m.run_id AS "runId", m.version, m.trained_at_task AS "trainedAtTask", m.samples, m.r2, m.mae,
  m.feature_importances AS "featureImportances", m.duration_ms AS "durationMs", m.trained_at AS "trainedAt",
  m.model IS NOT NULL AS "modelRetained"`;

@Injectable()
export class TrainingRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Latest first; `beforeId` is the last id of the previous page. */
  findSamplePage(runId: number | undefined, limit: number, beforeId?: number): Promise<TrainingSample[]> {
    const where = new Where();
    if (beforeId !== undefined) where.and('s.id < ?', beforeId);
    if (runId !== undefined) where.and('s.run_id = ?', runId);
    return rows<TrainingSample>(this.db, `SELECT ${SAMPLE_COLUMNS} FROM training_data s ${where} ORDER BY s.id DESC LIMIT ${where.bind(limit)}`, where.params);
  }

  /** The lowest task id the run's stored samples start at (older ones pruned by retention); null when none. */
  async firstTaskId(runId: number): Promise<number | null> {
    return (await one<{ first: number | null }>(this.db, `SELECT min(task_id) AS first FROM training_data WHERE run_id = $1`, [runId]))?.first ?? null;
  }

  async findSampleById(id: number): Promise<TrainingSample | null> {
    return (await one<TrainingSample>(this.db, `SELECT ${SAMPLE_COLUMNS} FROM training_data s WHERE s.id = $1`, [id])) ?? null;
  }

  /** Count and distribution of the oracle's label (optimal_gpu_fraction) over a run's samples. */
  async labelStats(runId: number): Promise<LabelStats> {
    // An aggregate without GROUP BY answers one row, even over no rows.
    const row = await one<LabelStats>(
      this.db,
      `SELECT count(*) AS count, avg(optimal_gpu_fraction) AS mean, min(optimal_gpu_fraction) AS min, max(optimal_gpu_fraction) AS max,
              stddev_samp(optimal_gpu_fraction) AS stddev,
              count(*) FILTER (WHERE optimal_gpu_fraction = 0) AS "cpuOnly", count(*) FILTER (WHERE optimal_gpu_fraction = 1) AS "gpuOnly",
              ARRAY(SELECT coalesce(h.n, 0) FROM generate_series(1, $2::int) b
                    LEFT JOIN (SELECT least(width_bucket(optimal_gpu_fraction, 0, 1, $2::int), $2::int) AS bucket, count(*) AS n
                               FROM training_data WHERE run_id = $1 GROUP BY 1) h ON h.bucket = b
                    ORDER BY b) AS bins
       FROM training_data WHERE run_id = $1`,
      [runId, LABEL_BINS],
    );
    return row as LabelStats;
  }

  /** How many hybrid_ml models a run has stored. */
  async countModelVersions(runId: number): Promise<number> {
    const row = await one<{ count: number }>(this.db, 'SELECT count(*)::int AS count FROM model_versions WHERE run_id = $1', [runId]);
    return row?.count ?? 0;
  }

  /** A run's model versions, newest first (without the serialised model). */
  findModelVersions(runId: number, limit: number): Promise<StoredModelVersion[]> {
    return rows<StoredModelVersion>(this.db, `SELECT ${MODEL_VERSION_COLUMNS} FROM model_versions m WHERE m.run_id = $1 ORDER BY m.version DESC LIMIT $2`, [runId, limit]);
  }

  /** One version's serialised model: undefined when the version does not exist, null when retention cleared it. */
  async findModelJson(runId: number, version: number): Promise<unknown> {
    return (await one<{ model: unknown }>(this.db, `SELECT model FROM model_versions WHERE run_id = $1 AND version = $2`, [runId, version]))?.model;
  }
}
