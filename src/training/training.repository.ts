import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { TrainingSample } from './training-sample.entity.js';

@Injectable()
export class TrainingRepository {
  constructor(@InjectRepository(TrainingSample) private readonly samples: Repository<TrainingSample>) {}

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
}
