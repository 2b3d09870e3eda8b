import { randomUUID } from 'node:crypto';
import { Injectable, Optional } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { EnvironmentVariables } from '../../config/env.schema.js';
import { AppMetrics } from '../../observability/app-metrics.service.js';
import { SimulationEngine, type DeepPartial, type EngineConfig, type Task } from '../../engine/index.js';
import type { RunKind } from '../simulation-run.entity.js';
import { ModelTrainer } from '../fitting/model-trainer.service.js';
import type { Fence } from './fence.js';
import { RunExecution, type RunCheckpoint, type RunListener, type RunSettings } from './run-execution.js';
import { RunStore } from './run-store.js';

/** What a client may choose about a run's engine. */
export interface RunOptions {
  seed: number;
  gpus?: number;
  arrivalRate?: number;
  strategies?: string[];
  /** hybrid_ml retrains every this many labels (after early retrains); default from the env for the run's kind. */
  retrainInterval?: number;
  /** Tasks from a retrain to its model taking effect; default from the env for the run's kind. */
  retrainLag?: number;
}

/** Builds engine configs for new runs and reopens stored runs where their checkpoint left them. */
@Injectable()
export class RunFactory {
  private readonly settings: RunSettings;
  private readonly retrainInterval: Record<RunKind, number>;
  private readonly retrainLag: Record<RunKind, number>;

  constructor(
    config: ConfigService<EnvironmentVariables, true>,
    private readonly store: RunStore,
    private readonly trainer: ModelTrainer,
    @Optional() private readonly metrics?: AppMetrics,
  ) {
    this.settings = {
      flushTasks: config.get('SIM_FLUSH_TASKS', { infer: true }),
      flushMs: config.get('SIM_FLUSH_MS', { infer: true }),
      windowSize: config.get('SIM_WINDOW_TASKS', { infer: true }),
      checkpointEvery: config.get('SIM_CHECKPOINT_TASKS', { infer: true }),
      checkpointMs: config.get('SIM_CHECKPOINT_MS', { infer: true }),
      holdoutFraction: 0.2,
    };
    const batch = config.get('SIM_BATCH_RETRAIN_INTERVAL', { infer: true });
    this.retrainInterval = { continuous: config.get('SIM_RETRAIN_INTERVAL', { infer: true }), batch, trace: batch };
    const batchLag = config.get('SIM_BATCH_RETRAIN_LAG', { infer: true });
    this.retrainLag = { continuous: config.get('SIM_RETRAIN_LAG', { infer: true }), batch: batchLag, trace: batchLag };
  }

  /** The engine config stored with a new run (the rest are DESIGN.md defaults). */
  engineConfig(kind: RunKind, options: RunOptions): DeepPartial<EngineConfig> {
    return {
      seed: options.seed,
      ...(options.gpus !== undefined ? { gpus: options.gpus } : {}),
      ...(options.strategies !== undefined ? { strategies: options.strategies } : {}),
      ...(options.arrivalRate !== undefined ? { workload: { arrivalRate: options.arrivalRate } } : {}),
      learning: {
        mode: 'external',
        retrainInterval: options.retrainInterval ?? this.retrainInterval[kind],
        retrainLag: options.retrainLag ?? this.retrainLag[kind],
      },
      // A trace's dependencies may reach any earlier task, not only the last 50.
      dependencies: { retention: kind === 'trace' ? 'all' : 'window' },
    };
  }

  /**
   * Opens a stored run: its engine restored from the last checkpoint (or fresh from its config),
   * ready to step on from there; tasks committed after the checkpoint are replayed, and their
   * rows are skipped by the unique keys. The execution claims the run: an earlier one, here or in
   * another process, can commit nothing from now on (fencing).
   */
  async open(runId: number, listener?: RunListener): Promise<RunExecution> {
    const token = randomUUID();
    if (!(await this.store.claim(runId, token))) throw new Error(`run ${runId} does not exist`);
    const fence: Fence = (m) => this.store.assertExecutor(m, runId, token);
    const run = await this.store.load(runId);
    if (!run) throw new Error(`run ${runId} does not exist`);
    const checkpoint = run.checkpoint as RunCheckpoint | null;
    // Runs stored before the lag was part of their engine config took it from the env.
    const lag = this.retrainLag[run.kind];
    const engine = checkpoint
      ? SimulationEngine.restore(withRetrainLag(checkpoint.engine as { config?: unknown }, lag))
      : SimulationEngine.create(withRetrainLag({ config: run.config.engine }, lag).config as DeepPartial<EngineConfig>);
    const tasks: Task[] | null = run.kind === 'trace' ? await this.store.loadTraceTasks(runId) : null;
    const total = run.kind === 'continuous' ? null : run.tasksTotal;
    const deps = { writer: this.store, trainer: this.trainer, listener, fence, metrics: this.metrics?.forRun(run.kind) };
    return new RunExecution(runId, engine, tasks, total, this.settings, deps, {
      pendingRetrainAt: checkpoint?.pendingRetrainAt ?? null,
      fitsInFlight: checkpoint?.fitsInFlight ?? [],
      replayUntil: run.tasksProcessed,
      windows: checkpoint?.windows,
    });
  }
}

/** `holder` with its `config.learning.retrainLag` set to `lag` where the config does not say. */
function withRetrainLag<T extends { config?: unknown }>(holder: T, lag: number): T {
  const config = (holder.config ?? {}) as { learning?: { retrainLag?: number } };
  if (config.learning?.retrainLag !== undefined) return holder;
  return { ...holder, config: { ...config, learning: { ...config.learning, retrainLag: lag } } };
}
