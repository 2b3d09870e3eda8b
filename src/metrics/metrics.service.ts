import { Injectable } from '@nestjs/common';
import { NotFound } from '../common/app-errors.js';
import { decodeCursor, toPage, type Page } from '../common/page.js';
import { WindowResponse } from './dto/window.response.js';
import { MetricsRepository, type WindowFilter } from './metrics.repository.js';

@Injectable()
export class MetricsService {
  constructor(private readonly metrics: MetricsRepository) {}

  async listWindows(filter: WindowFilter, limit: number, cursor?: string): Promise<Page<WindowResponse>> {
    const rows = await this.metrics.findWindowPage(filter, limit + 1, decodeCursor(cursor));
    const page = toPage(rows, limit, (w) => w.id);
    return { items: page.items.map(WindowResponse.from), nextCursor: page.nextCursor };
  }

  async getWindow(id: number): Promise<WindowResponse> {
    const row = await this.metrics.findWindowById(id);
    if (!row) throw new NotFound('metrics window', id);
    return WindowResponse.from(row);
  }
}
