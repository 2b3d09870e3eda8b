import { Injectable, Logger, Optional, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { NotFound } from '../../common/app-errors.js';
import type { RetainedRange } from '../../common/retained-range.js';
import type { EnvironmentVariables } from '../../config/env.schema.js';
import { RetentionRepository } from '../../ingest/retention.repository.js';
import { DEFAULT_ENGINE_CONFIG, type EngineConfig } from '../../engine/index.js';
import { AppMetrics } from '../../observability/app-metrics.service.js';
import { ContinuousRunService } from '../continuous-run.service.js';
import type { StoredRunConfig } from '../execution/run-factory.js';
import { RunsRepository } from '../runs.repository.js';

const DAY_MS = 86_400_000;
/** Tasks per pruning transaction (with their ~7 results and training row each). */
export const PRUNE_BATCH_TASKS = 1000;
/** Model versions cleared per statement. */
const PRUNE_BATCH_MODELS = 100;
/** Batches in one pruning pass at most: a pass that falls behind goes on at the next tick. */
const MAX_BATCHES_PER_PASS = 500;

/** What one pruning pass did. */
export interface PruneReport {
  runId: number | null;
  /** Raw-row transactions that deleted something. */
  batches: number;
  tasks: number;
  results: number;
  training: number;
  /** Metric windows whose statistics were cleared. */
  windows: number;
  /** Model versions whose JSON was cleared. */
  models: number;
}

export interface PruneOptions {
  /** The wall clock the age is measured against (a test passes its own). */
  now?: Date;
  /** Tasks per transaction (default PRUNE_BATCH_TASKS). */
  batchTasks?: number;
}

/**
 * Retention of the continuous run (docs/decisions/085-continuous-run-retention.md): every
 * RETAIN_PRUNE_MS, off the hot path, the replica executing it (the leader: only it has the run
 * open) deletes its raw rows older than RETAIN_DAYS, oldest first, a batch of tasks per
 * transaction, and clears the model JSON of all but the last RETAIN_MODELS versions and every
 * RETAIN_MODELS_EVERYth. What a resume from the last checkpoint reads back (the training rows of
 * the retrains it replays) is never pruned. Batch and trace runs are never touched; windows (but
 * for the statistics of those whose tasks went) and model metadata stay. The deletes go through the tables' owner (ingest/RetentionRepository).
 */
@Injectable()
export class RetentionService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(RetentionService.name);
  private readonly retainDays: number;
  private readonly retainMs: number;
  private readonly retainModels: number;
  private readonly modelsEvery: number;
  private readonly everyMs: number;
  private readonly windowSize: number;
  private timer: NodeJS.Timeout | null = null;
  private pass: Promise<PruneReport> | null = null;
  private stopped = false;
  // The model versions below this are done for the run named (a restart scans them once again).
  private modelsDone: { runId: number; through: number } | null = null;

  constructor(
    config: ConfigService<EnvironmentVariables, true>,
    private readonly retention: RetentionRepository,
    private readonly continuous: ContinuousRunService,
    private readonly runs: RunsRepository,
    @Optional() private readonly metrics?: AppMetrics,
  ) {
    this.retainDays = config.get('RETAIN_DAYS', { infer: true });
    this.retainMs = this.retainDays * DAY_MS;
    this.retainModels = config.get('RETAIN_MODELS', { infer: true });
    this.modelsEvery = config.get('RETAIN_MODELS_EVERY', { infer: true });
    this.everyMs = config.get('RETAIN_PRUNE_MS', { infer: true });
    this.windowSize = config.get('SIM_WINDOW_TASKS', { infer: true });
  }

  onApplicationBootstrap(): void {
    if (this.everyMs > 0) this.schedule();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.pass?.catch(() => undefined);
  }

  /**
   * One pruning pass over the continuous run this replica executes (none elsewhere: a follower
   * answers an empty report). Concurrent calls share the pass in progress.
   */
  prune(options: PruneOptions = {}): Promise<PruneReport> {
    this.pass ??= this.pruneOnce(options).finally(() => (this.pass = null));
    return this.pass;
  }

  /**
   * Which of a run's raw rows are retained: `firstTaskId` reads the lowest task id the caller's
   * table holds for the run. 404 when no run has this id.
   */
  async rangeOf(runId: number, firstTaskId: (runId: number) => Promise<number | null>): Promise<RetainedRange> {
    const kind = await this.runs.kindOf(runId);
    if (kind === undefined) throw new NotFound('run', runId);
    return { runId, fromTaskId: await firstTaskId(runId), retainDays: kind === 'continuous' && this.retainDays > 0 ? this.retainDays : null };
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.prune()
        .then((r) => {
          if (r.batches > 0 || r.models > 0) this.logger.log(`continuous run ${r.runId}: pruned ${r.tasks} tasks, ${r.results} results, ${r.training} training rows, ${r.windows} windows' statistics, ${r.models} model JSONs`);
        })
        .catch((e: Error) => this.logger.warn(`retention: ${e.message}; trying again in ${this.everyMs} ms`))
        .finally(() => this.schedule());
    }, this.everyMs);
    this.timer.unref();
  }

  // The run's learning settings and window size as stored with it (its engine may step in a worker thread).
  private async settingsOf(runId: number): Promise<{ learning: EngineConfig['learning']; windowSize: number }> {
    const config = (await this.runs.findById(runId))?.config as StoredRunConfig | undefined;
    const learning = config?.engine?.learning as Partial<EngineConfig['learning']> | undefined;
    return { learning: { ...DEFAULT_ENGINE_CONFIG.learning, ...learning }, windowSize: config?.windowSize ?? this.windowSize };
  }

  private async pruneOnce({ now = new Date(), batchTasks = PRUNE_BATCH_TASKS }: PruneOptions): Promise<PruneReport> {
    const runId = this.continuous.runId;
    const report: PruneReport = { runId, batches: 0, tasks: 0, results: 0, training: 0, windows: 0, models: 0 };
    if (runId === null) return report;
    if (this.retainMs > 0) {
      const checkpoint = await this.runs.checkpointIndex(runId);
      const { learning: { trainingWindow, retrainInterval }, windowSize } = await this.settingsOf(runId);
      // A resume replays from the checkpoint, and each retrain it replays reads up to a training window back.
      const below = (checkpoint ?? 0) - 2 * (trainingWindow + retrainInterval);
      const cutoff = new Date(now.getTime() - this.retainMs);
      for (let i = 0; below > 0 && i < MAX_BATCHES_PER_PASS && !this.stopped; i++) {
        const batch = await this.retention.pruneOldest(runId, cutoff, below, batchTasks, windowSize);
        if (batch.throughTaskId === null) break;
        report.batches++;
        report.tasks += batch.tasks;
        report.results += batch.results;
        report.training += batch.training;
        report.windows += batch.windows;
      }
    }
    if (this.retainModels > 0) report.models = await this.pruneModels(runId);
    for (const [table, rows] of [['tasks', report.tasks], ['scheduler_results', report.results], ['training_data', report.training], ['metrics', report.windows], ['model_versions', report.models]] as const) {
      this.metrics?.pruned(table, rows);
    }
    return report;
  }

  private async pruneModels(runId: number): Promise<number> {
    const through = (await this.retention.latestModelVersion(runId)) - this.retainModels;
    let from = this.modelsDone?.runId === runId ? this.modelsDone.through + 1 : 0;
    let cleared = 0;
    while (from <= through && !this.stopped) {
      const upTo = Math.min(through, from + PRUNE_BATCH_MODELS - 1);
      cleared += await this.retention.pruneModelJson(runId, from, upTo, this.modelsEvery);
      this.modelsDone = { runId, through: upTo };
      from = upTo + 1;
    }
    return cleared;
  }
}
