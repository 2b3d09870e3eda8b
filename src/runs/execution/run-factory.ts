import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { EnvironmentVariables } from '../../config/env.schema.js';
import { AppMetrics } from '../../observability/app-metrics.service.js';
import type { DeepPartial, EngineConfig } from '../../engine/index.js';
import type { RunKind } from '../simulation-run.entity.js';
import { RunTrainer } from '../fitting/run-trainer.service.js';
import type { Fence } from './fence.js';
import { RunExecution, type RunListener, type RunSettings } from './run-execution.js';
import { runParts, type RunSource } from './run-source.js';
import { RunStore } from './run-store.js';
import { feedListener, InProcessRun, type RunFeed, type SteppingRun } from './stepping-run.js';
import { RUN_WORKER, RUN_WORKER_BESIDE, WorkerRunExecution } from './worker/worker-run-execution.js';

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
  /** Tasks per metrics window; default SIM_WINDOW_TASKS. */
  windowSize?: number;
  /** Tasks at the start that run but count in no statistic (engine stats.warmupTasks). */
  warmupTasks?: number;
  /** The machine model's parameters (engine machine config). */
  gpuSpeedupPerIntensity?: number;
  bandwidthMBps?: number;
  gpuSpeeds?: number[];
  cpuPowerW?: number;
  gpuPowerW?: number;
  cpuRatePerS?: number;
  gpuRatePerS?: number;
}

const MACHINE_OPTIONS = ['gpuSpeedupPerIntensity', 'bandwidthMBps', 'gpuSpeeds', 'cpuPowerW', 'gpuPowerW', 'cpuRatePerS', 'gpuRatePerS'] as const;

/** The options that are set, without the unset ones (so that stored configs only name what the client chose). */
function defined<K extends keyof RunOptions>(options: RunOptions, keys: readonly K[]): Partial<Pick<RunOptions, K>> {
  return Object.fromEntries(keys.filter((k) => options[k] !== undefined).map((k) => [k, options[k]])) as Partial<Pick<RunOptions, K>>;
}

/** The config stored with a run beside its engine config: the run's own metrics window, when it sets one. */
export interface StoredRunConfig {
  engine?: DeepPartial<EngineConfig>;
  windowSize?: number;
}

/** Builds engine configs for new runs and reopens stored runs where their checkpoint left them. */
@Injectable()
export class RunFactory {
  private readonly settings: RunSettings;
  private readonly retrainInterval: Record<RunKind, number>;
  private readonly retrainLag: Record<RunKind, number>;
  private readonly workerThreads: boolean;
  private readonly workerScript: string;

  constructor(
    config: ConfigService<EnvironmentVariables, true>,
    private readonly store: RunStore,
    private readonly trainer: RunTrainer,
    @Optional() private readonly metrics?: AppMetrics,
    @Optional() @Inject(RUN_WORKER) workerScript?: string,
  ) {
    this.workerThreads = config.get('SIM_WORKER_THREADS', { infer: true });
    this.workerScript = workerScript ?? RUN_WORKER_BESIDE;
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
      ...(MACHINE_OPTIONS.some((k) => options[k] !== undefined) ? { machine: defined(options, MACHINE_OPTIONS) } : {}),
      ...(options.warmupTasks !== undefined ? { stats: { warmupTasks: options.warmupTasks } } : {}),
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
    const { source, fence } = await this.claim(runId);
    const { engine, tasks, total, resume } = runParts(source);
    const deps = { writer: this.store, trainer: this.trainer, listener, fence, metrics: this.metrics?.forRun(source.run.kind) };
    return new RunExecution(runId, engine, tasks, total, this.settingsOf(source), deps, resume);
  }

  /**
   * Opens a batch run or trace replay for its job: stepping in its own worker thread
   * (SIM_WORKER_THREADS, the default), or on this thread. Either way the claim, the fence and
   * every write stay here.
   */
  async openJob(runId: number): Promise<SteppingRun> {
    return this.workerThreads ? this.inWorker(runId) : new InProcessRun(await this.open(runId));
  }

  /**
   * Opens the continuous run: stepping in its own worker thread (SIM_WORKER_THREADS, the default),
   * which paces it and sends `feed` its updates and retrains, or on this thread.
   */
  async openContinuous(runId: number, feed: RunFeed): Promise<SteppingRun> {
    if (this.workerThreads) return this.inWorker(runId, feed);
    const exec: RunExecution = await this.open(runId, feedListener(feed, () => exec));
    return new InProcessRun(exec);
  }

  /** Run `runId` claimed here and opened in a new worker thread; the claim, the fence and every write stay here. */
  private async inWorker(runId: number, feed?: RunFeed): Promise<WorkerRunExecution> {
    const { source, fence } = await this.claim(runId);
    const host = { writer: this.store, trainer: this.trainer, fence, metrics: this.metrics?.forRun(source.run.kind), ...(feed ? { feed } : {}) };
    return WorkerRunExecution.start(this.workerScript, source, this.settingsOf(source), host);
  }

  /** The run's execution settings: the env's, with the run's own metrics window when it set one. */
  private settingsOf(source: RunSource): RunSettings {
    const windowSize = (source.run.config as StoredRunConfig).windowSize;
    return windowSize === undefined ? this.settings : { ...this.settings, windowSize };
  }

  /** Claims run `runId` for a new execution (fencing off any earlier one) and reads what it is built from. */
  private async claim(runId: number): Promise<{ source: RunSource; fence: Fence }> {
    const token = randomUUID();
    if (!(await this.store.claim(runId, token))) throw new Error(`run ${runId} does not exist`);
    const fence: Fence = (m) => this.store.assertExecutor(m, runId, token);
    const run = await this.store.load(runId);
    if (!run) throw new Error(`run ${runId} does not exist`);
    const tasks = run.kind === 'trace' ? await this.store.loadTraceTasks(runId) : null;
    return { source: { runId, run, tasks, retrainLag: this.retrainLag[run.kind] }, fence };
  }
}
