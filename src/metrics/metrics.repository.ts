import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { MetricWindow } from './metric-window.entity.js';

export interface WindowFilter {
  runId?: number;
  scheduler?: string;
}

@Injectable()
export class MetricsRepository {
  constructor(@InjectRepository(MetricWindow) private readonly windows: Repository<MetricWindow>) {}

  /** In insertion order (time order within a run); `afterId` is the last id of the previous page. */
  findWindowPage(filter: WindowFilter, limit: number, afterId?: number): Promise<MetricWindow[]> {
    const query = this.windows.createQueryBuilder('w').orderBy('w.id', 'ASC').limit(limit);
    if (afterId !== undefined) query.andWhere('w.id > :afterId', { afterId });
    if (filter.runId !== undefined) query.andWhere('w.run_id = :runId', { runId: filter.runId });
    if (filter.scheduler !== undefined) query.andWhere('w.scheduler_name = :scheduler', { scheduler: filter.scheduler });
    return query.getMany();
  }

  findWindowById(id: number): Promise<MetricWindow | null> {
    return this.windows.findOneBy({ id });
  }
}
