import { Injectable } from '@nestjs/common';
import { NotFound } from '../common/app-errors.js';
import { decodeKeyCursor, toKeyPage, type Page } from '../common/page.js';
import { RetentionService } from '../runs/retention/retention.service.js';
import { ResultsService } from '../results/results.service.js';
import { TaskResponse, TaskWithResultsResponse } from './dto/task.response.js';
import { TasksRepository, type TaskFilter, type TaskKey } from './tasks.repository.js';

@Injectable()
export class TasksService {
  constructor(
    private readonly tasks: TasksRepository,
    private readonly results: ResultsService,
    private readonly retention: RetentionService,
  ) {}

  async list(filter: TaskFilter, limit: number, cursor?: string): Promise<Page<TaskResponse>> {
    const after = decodeKeyCursor<TaskKey>(cursor, ['int', 'int']);
    const retained = filter.runId === undefined ? null : await this.retention.rangeOf(filter.runId, (id) => this.tasks.firstTaskId(id));
    const rows = await this.tasks.findPage(filter, limit + 1, after);
    const page = toKeyPage(rows, limit, (t) => [t.runId, t.taskId]);
    return { items: page.items.map(TaskResponse.from), nextCursor: page.nextCursor, retained };
  }

  /** The task with every strategy's result for it. */
  async get(id: number): Promise<TaskWithResultsResponse> {
    const task = await this.tasks.findById(id);
    if (!task) throw new NotFound('task', id);
    return { ...TaskResponse.from(task), results: await this.results.forTask(task.runId, task.taskId) };
  }
}
