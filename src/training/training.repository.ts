import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { ModelVersion } from './model-version.entity.js';
import { TrainingSample } from './training-sample.entity.js';

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

@Injectable()
export class TrainingRepository {
  constructor(
    @InjectRepository(TrainingSample) private readonly samples: Repository<TrainingSample>,
    @InjectRepository(ModelVersion) private readonly models: Repository<ModelVersion>,
  ) {}

  /** Latest first; `beforeId` is the last id of the previous page. */
  findSamplePage(runId: number | undefined, limit: number, beforeId?: number): Promise<TrainingSample[]> {
    const query = this.samples.createQueryBuilder('s').orderBy('s.id', 'DESC').limit(limit);
    if (beforeId !== undefined) query.andWhere('s.id < :beforeId', { beforeId });
    if (runId !== undefined) query.andWhere('s.run_id = :runId', { runId });
    return query.getMany();
  }

  findSampleById(id: number): Promise<TrainingSample | null> {
    return this.samples.findOneBy({ id });
  }

  /** Count and distribution of the oracle's label (optimal_gpu_fraction) over a run's samples. */
  async labelStats(runId: number): Promise<LabelStats> {
    const [row] = await this.samples.query(
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
  countModelVersions(runId: number): Promise<number> {
    return this.models.createQueryBuilder('m').where('m.run_id = :runId', { runId }).getCount();
  }

  /** A run's model versions, newest first (without the serialised model). */
  findModelVersions(runId: number, limit: number): Promise<ModelVersion[]> {
    return this.models
      .createQueryBuilder('m')
      .select(['m.id', 'm.runId', 'm.version', 'm.trainedAtTask', 'm.samples', 'm.r2', 'm.mae', 'm.featureImportances', 'm.durationMs', 'm.trainedAt'])
      .where('m.run_id = :runId', { runId })
      .orderBy('m.version', 'DESC')
      .limit(limit)
      .getMany();
  }
}
