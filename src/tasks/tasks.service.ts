import { Injectable } from '@nestjs/common';
import { NotFound } from '../common/app-errors.js';
import { decodeCursor, toPage, type Page } from '../common/page.js';
import { ResultsService } from '../results/results.service.js';
import { TaskResponse } from './dto/task.response.js';
import { TasksRepository, type TaskFilter } from './tasks.repository.js';

@Injectable()
export class TasksService {
  constructor(
    private readonly tasks: TasksRepository,
    private readonly results: ResultsService,
  ) {}

  async list(filter: TaskFilter, limit: number, cursor?: string): Promise<Page<TaskResponse>> {
    const rows = await this.tasks.findPage(filter, limit + 1, decodeCursor(cursor));
    const page = toPage(rows, limit, (t) => t.id);
    return { items: page.items.map(TaskResponse.from), nextCursor: page.nextCursor };
  }

  /** The task with every strategy's result for it. */
  async get(id: number): Promise<TaskResponse> {
    const task = await this.tasks.findById(id);
    if (!task) throw new NotFound('task', id);
    return { ...TaskResponse.from(task), results: await this.results.forTask(task.runId, task.taskId) };
  }
}
