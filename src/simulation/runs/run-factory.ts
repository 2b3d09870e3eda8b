import { Injectable, Optional } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { RunCacheService } from '../../cache/run-cache.service.js';
import type { EnvironmentVariables } from '../../config/env.schema.js';
import { AppMetrics } from '../../observability/app-metrics.service.js';
import { SimulationEngine, type DeepPartial, type EngineConfig, type Task } from '../engine/index.js';
import type { RunKind } from '../simulation-run.entity.js';
import { ModelTrainer } from '../training/model-trainer.service.js';
import { RunExecution, type RunCheckpoint, type RunListener, type RunSettings } from './run-execution.js';
import { RunStoreRepository } from './run-store.repository.js';

/** What a client may choose about a run's engine. */
export interface RunOptions {
  seed: number;
  gpus?: number;
  arrivalRate?: number;
  strategies?: string[];
}

/** Builds engine configs for new runs and reopens stored runs where their checkpoint left them. */
@Injectable()
export class RunFactory {
  private readonly settings: RunSettings;
  private readonly retrainInterval: Record<RunKind, number>;
  private readonly retrainLag: Record<RunKind, number>;

  constructor(
    config: ConfigService<EnvironmentVariables, true>,
    private readonly store: RunStoreRepository,
    private readonly trainer: ModelTrainer,
    private readonly cache: RunCacheService,
    @Optional() private readonly metrics?: AppMetrics,
  ) {
    this.settings = {
      flushTasks: config.get('SIM_FLUSH_TASKS', { infer: true }),
      flushMs: config.get('SIM_FLUSH_MS', { infer: true }),
      windowSize: config.get('SIM_WINDOW_TASKS', { infer: true }),
      checkpointEvery: config.get('SIM_CHECKPOINT_TASKS', { infer: true }),
      checkpointMs: config.get('SIM_CHECKPOINT_MS', { infer: true }),
      retrainLag: config.get('SIM_RETRAIN_LAG', { infer: true }),
      holdoutFraction: 0.2,
    };
    const batch = config.get('SIM_BATCH_RETRAIN_INTERVAL', { infer: true });
    this.retrainInterval = { continuous: config.get('SIM_RETRAIN_INTERVAL', { infer: true }), batch, trace: batch };
    const batchLag = config.get('SIM_BATCH_RETRAIN_LAG', { infer: true });
    this.retrainLag = { continuous: this.settings.retrainLag, batch: batchLag, trace: batchLag };
  }

  /** The engine config stored with a new run (the rest are DESIGN.md defaults). */
  engineConfig(kind: RunKind, options: RunOptions): DeepPartial<EngineConfig> {
    return {
      seed: options.seed,
      ...(options.gpus !== undefined ? { gpus: options.gpus } : {}),
      ...(options.strategies !== undefined ? { strategies: options.strategies } : {}),
      ...(options.arrivalRate !== undefined ? { workload: { arrivalRate: options.arrivalRate } } : {}),
      learning: { mode: 'external', retrainInterval: this.retrainInterval[kind] },
      // A trace's dependencies may reach any earlier task, not only the last 50.
      dependencies: { retention: kind === 'trace' ? 'all' : 'window' },
    };
  }

  /**
   * Opens a stored run: its engine restored from the last checkpoint (or fresh from its config),
   * ready to step on from there; tasks committed after the checkpoint are replayed, and their
   * rows are skipped by the unique keys.
   */
  async open(runId: number, listener?: RunListener): Promise<RunExecution> {
    const run = await this.store.loadRun(runId);
    if (!run) throw new Error(`run ${runId} does not exist`);
    const checkpoint = run.checkpoint as RunCheckpoint | null;
    const engine = checkpoint
      ? SimulationEngine.restore(checkpoint.engine)
      : SimulationEngine.create(run.config.engine as DeepPartial<EngineConfig>);
    const tasks: Task[] | null = run.kind === 'trace' ? await this.store.loadTraceTasks(runId) : null;
    const total = run.kind === 'continuous' ? null : run.tasksTotal;
    const deps = { writer: this.store, trainer: this.trainer, cache: this.cache, listener, metrics: this.metrics?.forRun(run.kind) };
    return new RunExecution(runId, engine, tasks, total, { ...this.settings, retrainLag: this.retrainLag[run.kind] }, deps, {
      pendingRetrainAt: checkpoint?.pendingRetrainAt ?? null,
      fitsInFlight: checkpoint?.fitsInFlight ?? [],
      replayUntil: run.tasksProcessed,
      windows: checkpoint?.windows,
    });
  }
}
