import { Injectable } from '@nestjs/common';
import { RunCacheService } from '../cache/run-cache.service.js';
import { NotFound } from '../common/app-errors.js';
import { decodeKeyCursor, toKeyPage, type Page } from '../common/page.js';
import { RunScope } from '../runs/run-scope.service.js';
import { WindowResponse } from './dto/window.response.js';
import { MetricsRepository, type WindowKey } from './metrics.repository.js';

@Injectable()
export class MetricsService {
  constructor(
    private readonly metrics: MetricsRepository,
    private readonly scope: RunScope,
    private readonly cache: RunCacheService,
  ) {}

  /** A run's windows (runId omitted: the continuous run) in time order; cached per run version. */
  async series(runId: number | undefined, scheduler: string | undefined, limit: number, cursor?: string): Promise<Page<WindowResponse>> {
    const after = decodeKeyCursor<WindowKey>(cursor, ['int', 'string']);
    const id = await this.scope.resolve(runId);
    return this.cache.wrap(id, 'windows', { scheduler, limit, after }, async () => {
      await this.scope.assertExists(id);
      const rows = await this.metrics.findSeriesPage(id, scheduler, limit + 1, after);
      const page = toKeyPage(rows, limit, (w) => [w.windowStart, w.schedulerName]);
      return { items: page.items.map(WindowResponse.from), nextCursor: page.nextCursor };
    });
  }

  async getWindow(id: number): Promise<WindowResponse> {
    const row = await this.metrics.findWindowById(id);
    if (!row) throw new NotFound('metrics window', id);
    return WindowResponse.from(row);
  }
}
