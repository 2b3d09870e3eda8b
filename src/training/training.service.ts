import { Injectable } from '@nestjs/common';
import { NotFound } from '../common/app-errors.js';
import { decodeCursor, toPage, type Page } from '../common/page.js';
import { TrainingSampleResponse } from './dto/training-sample.response.js';
import { TrainingRepository } from './training.repository.js';

@Injectable()
export class TrainingService {
  constructor(private readonly training: TrainingRepository) {}

  async listSamples(runId: number | undefined, limit: number, cursor?: string): Promise<Page<TrainingSampleResponse>> {
    const rows = await this.training.findSamplePage(runId, limit + 1, decodeCursor(cursor));
    const page = toPage(rows, limit, (s) => s.id);
    return { items: page.items.map(TrainingSampleResponse.from), nextCursor: page.nextCursor };
  }

  async getSample(id: number): Promise<TrainingSampleResponse> {
    const row = await this.training.findSampleById(id);
    if (!row) throw new NotFound('training sample', id);
    return TrainingSampleResponse.from(row);
  }
}
