import { Injectable } from '@nestjs/common';
import { decodeKeyCursor, encodeKeyCursor, toKeyPage, type Page } from '../common/page.js';
import { RunScope } from '../runs/run-scope.service.js';
import { RetentionService } from '../runs/retention/retention.service.js';
import { RunCacheService } from '../cache/run-cache.service.js';
import { groupComparativeRows } from './comparative-rows.js';
import type { ComparativeItem } from './dto/comparative.response.js';
import { ResultResponse } from './dto/result.response.js';
import { ResultsRepository, type ResultFilter, type ResultKey } from './results.repository.js';

@Injectable()
export class ResultsService {
  constructor(
    private readonly results: ResultsRepository,
    private readonly scope: RunScope,
    private readonly cache: RunCacheService,
    private readonly retention: RetentionService,
  ) {}

  async list(filter: ResultFilter, limit: number, cursor?: string): Promise<Page<ResultResponse>> {
    const after = decodeKeyCursor<ResultKey>(cursor, ['int', 'int', 'string']);
    const retained = filter.runId === undefined ? null : await this.retention.rangeOf(filter.runId, (id) => this.results.firstTaskId(id));
    const rows = await this.results.findPage(filter, limit + 1, after);
    const page = toKeyPage(rows, limit, (r) => [r.runId, r.taskId, r.schedulerName]);
    return { items: page.items.map(ResultResponse.from), nextCursor: page.nextCursor, retained };
  }

  async forTask(runId: number, taskId: number): Promise<ResultResponse[]> {
    return (await this.results.findByTask(runId, taskId)).map(ResultResponse.from);
  }

  /** Per task (latest first), every strategy side by side; cached per run version. */
  async comparative(runId: number | undefined, limit: number, cursor?: string): Promise<Page<ComparativeItem>> {
    const [before] = decodeKeyCursor<[number]>(cursor, ['int']) ?? [];
    const id = await this.scope.resolve(runId);
    return this.cache.wrap(id, 'comparative', { limit, before }, async () => {
      await this.scope.assertExists(id);
      // limit tasks plus one to learn whether more exist; each task brings one row per strategy.
      const items = groupComparativeRows(await this.results.comparativePage(id, limit + 1, before));
      const more = items.length > limit;
      const page = items.slice(0, limit);
      return { items: page, nextCursor: more ? encodeKeyCursor([page[page.length - 1].taskId]) : null };
    });
  }
}
