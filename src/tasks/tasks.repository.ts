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

export type TaskKey = [runId: number, taskId: number];

@Injectable()
export class TasksRepository {
  constructor(@InjectRepository(Task) private readonly tasks: Repository<Task>) {}

  /**
   * Ordered by (run, task), the unique key: a run's new tasks land after its existing ones, so a
   * walk over the pages sees every task that existed at its start exactly once. `after` is the
   * previous page's last key.
   */
  findPage(filter: TaskFilter, limit: number, after?: TaskKey): Promise<Task[]> {
    const query = this.tasks.createQueryBuilder('t').orderBy('t.run_id', 'ASC').addOrderBy('t.task_id', 'ASC').limit(limit);
    if (after !== undefined) query.andWhere('(t.run_id, t.task_id) > (:afterRun, :afterTask)', { afterRun: after[0], afterTask: after[1] });
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
