import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { Task } from './task.entity.js';

export interface TaskFilter {
  runId?: number;
  minSize?: number;
  maxSize?: number;
  minIntensity?: number;
  maxIntensity?: number;
}

@Injectable()
export class TasksRepository {
  constructor(@InjectRepository(Task) private readonly tasks: Repository<Task>) {}

  /** In insertion order; `afterId` is the last id of the previous page. */
  findPage(filter: TaskFilter, limit: number, afterId?: number): Promise<Task[]> {
    const query = this.tasks.createQueryBuilder('t').orderBy('t.id', 'ASC').limit(limit);
    if (afterId !== undefined) query.andWhere('t.id > :afterId', { afterId });
    if (filter.runId !== undefined) query.andWhere('t.run_id = :runId', { runId: filter.runId });
    if (filter.minSize !== undefined) query.andWhere('t.size >= :minSize', { minSize: filter.minSize });
    if (filter.maxSize !== undefined) query.andWhere('t.size <= :maxSize', { maxSize: filter.maxSize });
    if (filter.minIntensity !== undefined) query.andWhere('t.compute_intensity >= :minI', { minI: filter.minIntensity });
    if (filter.maxIntensity !== undefined) query.andWhere('t.compute_intensity <= :maxI', { maxI: filter.maxIntensity });
    return query.getMany();
  }

  findById(id: number): Promise<Task | null> {
    return this.tasks.findOneBy({ id });
  }
}
