import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { SchedulerResult } from './scheduler-result.entity.js';

export interface ResultFilter {
  runId?: number;
  scheduler?: string;
  taskId?: number;
}

@Injectable()
export class ResultsRepository {
  constructor(@InjectRepository(SchedulerResult) private readonly results: Repository<SchedulerResult>) {}

  /** In insertion order; `afterId` is the last id of the previous page. */
  findPage(filter: ResultFilter, limit: number, afterId?: number): Promise<SchedulerResult[]> {
    const query = this.results.createQueryBuilder('r').orderBy('r.id', 'ASC').limit(limit);
    if (afterId !== undefined) query.andWhere('r.id > :afterId', { afterId });
    if (filter.runId !== undefined) query.andWhere('r.run_id = :runId', { runId: filter.runId });
    if (filter.scheduler !== undefined) query.andWhere('r.scheduler_name = :scheduler', { scheduler: filter.scheduler });
    if (filter.taskId !== undefined) query.andWhere('r.task_id = :taskId', { taskId: filter.taskId });
    return query.getMany();
  }

  findById(id: number): Promise<SchedulerResult | null> {
    return this.results.findOneBy({ id });
  }

  findByTask(runId: number, taskId: number): Promise<SchedulerResult[]> {
    return this.results.find({ where: { runId, taskId }, order: { schedulerName: 'ASC' } });
  }
}
