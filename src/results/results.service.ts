import { Injectable } from '@nestjs/common';
import { NotFound } from '../common/app-errors.js';
import { decodeCursor, toPage, type Page } from '../common/page.js';
import { ResultResponse } from './dto/result.response.js';
import { ResultsRepository, type ResultFilter } from './results.repository.js';

@Injectable()
export class ResultsService {
  constructor(private readonly results: ResultsRepository) {}

  async list(filter: ResultFilter, limit: number, cursor?: string): Promise<Page<ResultResponse>> {
    const rows = await this.results.findPage(filter, limit + 1, decodeCursor(cursor));
    const page = toPage(rows, limit, (r) => r.id);
    return { items: page.items.map(ResultResponse.from), nextCursor: page.nextCursor };
  }

  async get(id: number): Promise<ResultResponse> {
    const row = await this.results.findById(id);
    if (!row) throw new NotFound('result', id);
    return ResultResponse.from(row);
  }

  async forTask(runId: number, taskId: number): Promise<ResultResponse[]> {
    return (await this.results.findByTask(runId, taskId)).map(ResultResponse.from);
  }
}
