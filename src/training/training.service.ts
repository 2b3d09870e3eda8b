import { Injectable } from '@nestjs/common';
import { RunCacheService } from '../cache/run-cache.service.js';
import { Gone, NotFound } from '../common/app-errors.js';
import { decodeKeyCursor, toKeyPage, type Page } from '../common/page.js';
import { RunScope } from '../runs/run-scope.service.js';
import { RetentionService } from '../runs/retention/retention.service.js';
import { ModelVersionResponse, type ModelJsonResponse, type ModelResponse, type TrainingStatsResponse } from './dto/training-stats.response.js';
import { TrainingSampleResponse } from './dto/training-sample.response.js';
import { LABEL_BINS, TrainingRepository } from './training.repository.js';

@Injectable()
export class TrainingService {
  constructor(
    private readonly training: TrainingRepository,
    private readonly scope: RunScope,
    private readonly cache: RunCacheService,
    private readonly retention: RetentionService,
  ) {}

  async listSamples(runId: number | undefined, limit: number, cursor?: string): Promise<Page<TrainingSampleResponse>> {
    const retained = runId === undefined ? null : await this.retention.rangeOf(runId, (id) => this.training.firstTaskId(id));
    const [after] = decodeKeyCursor<[number]>(cursor, ['int']) ?? [];
    const rows = await this.training.findSamplePage(runId, limit + 1, after);
    const page = toKeyPage(rows, limit, (s) => [s.id]);
    return { items: page.items.map(TrainingSampleResponse.from), nextCursor: page.nextCursor, retained };
  }

  async getSample(id: number): Promise<TrainingSampleResponse> {
    const row = await this.training.findSampleById(id);
    if (!row) throw new NotFound('training sample', id);
    return TrainingSampleResponse.from(row);
  }

  /** How many hybrid_ml models a run has trained (no cache: callers cache their own answers). */
  modelVersionCount(runId: number): Promise<number> {
    return this.training.countModelVersions(runId);
  }

  /** Sample count and label distribution of a run (runId omitted: the continuous run); cached per run version. */
  async stats(runId: number | undefined): Promise<TrainingStatsResponse> {
    const id = await this.scope.resolve(runId);
    return this.cache.wrap(id, 'training-stats', {}, async () => {
      await this.scope.assertExists(id);
      const s = await this.training.labelStats(id);
      return {
        runId: id,
        count: s.count,
        meanLabel: s.mean,
        minLabel: s.min,
        maxLabel: s.max,
        stddevLabel: s.stddev,
        cpuOnly: s.cpuOnly,
        gpuOnly: s.gpuOnly,
        labelDistribution: s.bins.map((count, i) => ({ from: i / LABEL_BINS, to: (i + 1) / LABEL_BINS, count: Number(count) })),
      };
    });
  }

  /**
   * One version's serialised forest (not cached: it is large and fixed). 404 when the run has no
   * such version; 410 when retention cleared it (its metadata stays in the history).
   */
  async modelJson(runId: number | undefined, version: number): Promise<ModelJsonResponse> {
    const id = await this.scope.resolve(runId);
    await this.scope.assertExists(id);
    const model = await this.training.findModelJson(id, version);
    if (model === undefined) throw new NotFound(`model version of run ${id}:`, version);
    if (model === null) {
      throw new Gone(`model version ${version} of run ${id}: its serialised model was pruned (RETAIN_MODELS, RETAIN_MODELS_EVERY); its metadata is in GET /api/training/model`);
    }
    return { runId: id, version, model };
  }

  /** The run's current model version and its history, newest first; cached per run version. */
  async model(runId: number | undefined, limit: number): Promise<ModelResponse> {
    const id = await this.scope.resolve(runId);
    return this.cache.wrap(id, 'training-model', { limit }, async () => {
      await this.scope.assertExists(id);
      const history = (await this.training.findModelVersions(id, limit)).map(ModelVersionResponse.from);
      return { runId: id, current: history[0] ?? null, history };
    });
  }
}
