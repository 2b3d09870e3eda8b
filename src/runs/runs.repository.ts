import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { SimulationRun } from './simulation-run.entity.js';

@Injectable()
export class SimulationRunsRepository {
  constructor(@InjectRepository(SimulationRun) private readonly runs: Repository<SimulationRun>) {}

  /** Newest first; `afterId` is the last id of the previous page. */
  findPage(limit: number, afterId?: number): Promise<SimulationRun[]> {
    const query = this.runs.createQueryBuilder('r').orderBy('r.id', 'DESC').limit(limit);
    if (afterId !== undefined) query.where('r.id < :afterId', { afterId });
    return query.getMany();
  }

  findById(id: number): Promise<SimulationRun | null> {
    return this.runs.findOneBy({ id });
  }
}
