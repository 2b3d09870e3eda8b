import { Injectable } from '@nestjs/common';
import { NotFound } from '../common/app-errors.js';
import { decodeCursor, toPage, type Page } from '../common/page.js';
import { RunResponse } from './dto/run.response.js';
import { SimulationRunsRepository } from './runs.repository.js';

@Injectable()
export class SimulationService {
  constructor(private readonly runs: SimulationRunsRepository) {}

  async listRuns(limit: number, cursor?: string): Promise<Page<RunResponse>> {
    const rows = await this.runs.findPage(limit + 1, decodeCursor(cursor));
    const page = toPage(rows, limit, (r) => r.id);
    return { items: page.items.map(RunResponse.from), nextCursor: page.nextCursor };
  }

  async getRun(id: number): Promise<RunResponse> {
    const run = await this.runs.findById(id);
    if (!run) throw new NotFound('run', id);
    return RunResponse.from(run);
  }
}
