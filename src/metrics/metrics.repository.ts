import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { MetricWindow } from './metric-window.entity.js';

export type WindowKey = [windowStart: number, schedulerName: string];

@Injectable()
export class MetricsRepository {
  constructor(@InjectRepository(MetricWindow) private readonly windows: Repository<MetricWindow>) {}

  /**
   * One run's windows as a time series: by window start, then strategy (unique within a run, so
   * a stable keyset). New windows start later, so they land after every existing one.
   */
  findSeriesPage(runId: number, scheduler: string | undefined, limit: number, after?: WindowKey): Promise<MetricWindow[]> {
    const query = this.windows
      .createQueryBuilder('w')
      .where('w.run_id = :runId', { runId })
      .orderBy('w.window_start', 'ASC')
      .addOrderBy('w.scheduler_name', 'ASC')
      .limit(limit);
    if (scheduler !== undefined) query.andWhere('w.scheduler_name = :scheduler', { scheduler });
    if (after !== undefined) query.andWhere('(w.window_start, w.scheduler_name) > (:afterStart, :afterName)', { afterStart: after[0], afterName: after[1] });
    return query.getMany();
  }

  findWindowById(id: number): Promise<MetricWindow | null> {
    return this.windows.findOneBy({ id });
  }
}
