import { Logger } from '@nestjs/common';
import { FEATURE_NAMES, type ModelFitOptions, type SimulationEngine, type Task } from '../../engine/index.js';
import { isFitFailure } from '../fitting/fit-failed.error.js';
import type { FitOutcome } from '../fitting/forest-fit.worker.js';
import type { RunProgress } from '../runs.repository.js';
import { FencedError } from './fence.js';
import { RunBatch } from '../../ingest/run-batch.js';
import { RecentLabels } from './recent-labels.js';
import type { RunCheckpoint, RunDeps, RunResume, RunSettings } from './run-contracts.js';
import { WindowAccumulator } from './window-accumulator.js';

export type { FitInFlight, RunCheckpoint, RunDeps, RunListener, RunMetricsSink, RunResume, RunSettings } from './run-contracts.js';

interface Training {
  trainedAt: number;
  effectiveAt: number;
  options: ModelFitOptions;
  result: Promise<FitOutcome>;
}

const MAX_BACKOFF_MS = 5000;
const MAX_IN_FLIGHT = 2;

/**
 * Drives one run: steps its engine, buffers the rows, flushes them (one transaction per flush,
 * up to two flushes in flight while the next batch is computed), writes metric windows and
 * checkpoints, and retrains hybrid_ml at fixed task indices so a run is reproducible from its seed.
 */
export class RunExecution {
  private readonly logger = new Logger(RunExecution.name);
  private batch: RunBatch;
  private readonly windows: WindowAccumulator;
  // Up to MAX_IN_FLIGHT flushes write at once, each on its own connection, and each commits only
  // after the one before it: the database works on two batches while the run computes the next,
  // and the committed progress still only ever moves forward over contiguous batches.
  private readonly inflight: Promise<void>[] = [];
  private lastCommit: Promise<void> = Promise.resolve();
  private readonly clock: () => number;
  private lastFlushAt: number;
  private lastCheckpointAt: number;
  // Fits started and not yet installed in the engine, oldest first.
  private readonly trainings: Training[] = [];
  // The rows of the latest tasks stepped here, for fitHere (null without it).
  private readonly recent: RecentLabels | null;
  private lastRetrainAt: number | null = null;
  private cancelled = false;
  // Index of the first task in the current batch: a batch below replayUntil may meet stored rows.
  private batchStart: number;
  /** Tasks below this index were committed before the run was reopened: replaying them meets stored rows. */
  readonly replayUntil: number;
  /** Set while flushes fail (the database is away); cleared by the next success. */
  stalled: string | null = null;
  /** Set when a flush was fenced off: this process may no longer write the run, and has stopped. */
  fenced: FencedError | null = null;

  constructor(
    readonly runId: number,
    readonly engine: SimulationEngine,
    private readonly tasks: readonly Task[] | null,
    readonly total: number | null,
    private readonly settings: RunSettings,
    private readonly deps: RunDeps,
    resume: RunResume = { pendingRetrainAt: null, fitsInFlight: [], replayUntil: 0 },
  ) {
    this.clock = deps.clock ?? Date.now;
    this.lastFlushAt = this.lastCheckpointAt = this.clock();
    this.replayUntil = resume.replayUntil;
    this.batchStart = engine.processed;
    this.windows = new WindowAccumulator(settings.windowSize, engine.config.stats.relativeAccuracy, resume.windows);
    this.batch = new RunBatch(tasks === null);
    this.recent = deps.fitHere ? new RecentLabels(engine.config.learning.trainingWindow, engine.processed) : null;
    // Fits that were running when the checkpoint was taken start again, with the same options.
    for (const fit of resume.fitsInFlight) this.startTraining(fit.trainedAt, fit.options);
    if (resume.pendingRetrainAt !== null) this.startTraining(resume.pendingRetrainAt);
  }

  get processed(): number {
    return this.engine.processed;
  }

  /** True while the run steps through tasks it had committed before it was reopened. */
  get replaying(): boolean {
    return this.processed < this.replayUntil;
  }

  get done(): boolean {
    return this.total !== null && this.processed >= this.total;
  }

  /** Steps up to `maxTasks` tasks (fewer at the end of the run); flushes as they come due. */
  async advance(maxTasks: number): Promise<number> {
    let stepped = 0;
    while (stepped < maxTasks && !this.done && !this.cancelled) {
      const index = this.processed;
      while (this.trainings.length > 0 && index >= this.trainings[0].effectiveAt) await this.installTraining();
      const task = this.tasks ? this.tasks[index] : this.engine.nextTask();
      const step = this.engine.step(task);
      stepped++;
      this.batch.add(step);
      this.recent?.add(task, step.oracle.gpuFraction);
      this.batch.windows.push(...this.windows.add(step));
      this.deps.listener?.onStep?.(step, this.engine);
      this.deps.metrics?.taskProcessed();
      const processed = index + 1;
      // A retrain due here fits on this thread when the run stepped its whole window (fitHere).
      const localRows = step.retrainDue ? this.rowsHere(processed) : null;
      if (processed % this.settings.checkpointEvery === 0 || this.clock() - this.lastCheckpointAt >= this.settings.checkpointMs) {
        // The snapshot is taken before a retrain due here draws its seed, so a resume replays the
        // same draw; fits in flight are saved with the options they drew, and a resume restarts them.
        const pendingRetrainAt = step.retrainDue ? processed : null;
        const fitsInFlight = this.trainings.map(({ trainedAt, options }) => ({ trainedAt, options }));
        // The engine is exact at any task; the metrics window in progress is saved with it.
        this.lastCheckpointAt = this.clock();
        await this.flush({ taskIndex: processed, engine: this.engine.snapshot(), pendingRetrainAt, fitsInFlight, windows: this.windows.toJSON() });
      } else if ((step.retrainDue && !localRows) || this.batch.size >= this.settings.flushTasks || this.clock() - this.lastFlushAt >= this.settings.flushMs) {
        // A retrain that reads its rows from PostgreSQL has them flushed first.
        await this.flush();
      }
      if (step.retrainDue) this.startTraining(processed, undefined, localRows);
    }
    return stepped;
  }

  /** Writes what is buffered (time-based flushes of a slow run call this too). */
  async flushIfDue(): Promise<void> {
    if (this.batch.size > 0 && this.clock() - this.lastFlushAt >= this.settings.flushMs) await this.flush();
  }

  /** Flushes everything (closing a partial window when the run is over) and waits for it. */
  async drain(): Promise<void> {
    if (this.done) {
      this.batch.windows.push(...this.windows.closePartial(this.lastTaskId()));
      // A finished run keeps its final state, so that placement can answer on its machines.
      const fitsInFlight = this.trainings.map(({ trainedAt, options }) => ({ trainedAt, options }));
      await this.flush({ taskIndex: this.processed, engine: this.engine.snapshot(), pendingRetrainAt: null, fitsInFlight });
    } else if (this.batch.size > 0 || this.batch.windows.length > 0) {
      await this.flush();
    }
    await Promise.allSettled(this.inflight);
    await this.lastCommit;
  }

  /** Stops stepping and stops retrying writes (for stop and shutdown). */
  cancel(): void {
    this.cancelled = true;
  }

  private lastTaskId(): number {
    const index = this.processed - 1;
    return this.tasks ? this.tasks[index].id : index;
  }

  private async flush(checkpoint?: RunCheckpoint): Promise<void> {
    // Backpressure: the run waits for the oldest write before it queues another.
    if (this.inflight.length >= MAX_IN_FLIGHT) await this.inflight[0];
    const batch = this.batch;
    // The accumulators as of the batch's last task: committed with it, they always match the stored rows.
    batch.aggregates = { throughTask: this.processed, stats: this.engine.statsState() };
    const mayExist = this.batchStart < this.replayUntil;
    this.batch = new RunBatch(this.tasks === null);
    this.batchStart = this.processed;
    this.lastFlushAt = this.clock();
    const progress = {
      tasksProcessed: this.processed,
      checkpoint,
      lastRetrainAt: this.lastRetrainAt,
      modelInfo: (this.engine.modelInfo() as unknown as Record<string, unknown>) ?? null,
    };
    const previous = this.lastCommit;
    const write = this.writeWithRetry(batch, progress, mayExist, previous);
    this.lastCommit = write;
    this.inflight.push(write);
    const done = () => void this.inflight.splice(this.inflight.indexOf(write), 1);
    write.then(done, done);
  }

  private async writeWithRetry(
    batch: RunBatch,
    progress: RunProgress,
    mayExist: boolean,
    previous: Promise<void>,
  ): Promise<void> {
    // A failed predecessor fails this write's attempt too, so that it retries after it.
    previous.catch(() => undefined);
    await this.retrying('flush', async () => {
      const started = performance.now();
      await this.deps.writer.flush(this.runId, batch, progress, mayExist, () => previous, this.deps.fence);
      this.deps.metrics?.flushed(performance.now() - started, batch.tasks.taskId.length + batch.results.taskId.length + batch.size + batch.windows.length);
    });
  }

  /** Runs a database step until it succeeds, backing off while PostgreSQL is away (the run waits). */
  private async retrying<T>(what: string, step: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        const result = await step();
        if (this.stalled) this.logger.log(`run ${this.runId}: writes resumed`);
        this.stalled = null;
        return result;
      } catch (e) {
        if (e instanceof FencedError) {
          // Another process writes the run now: stop at once, retry nothing.
          this.fenced ??= e;
          this.cancelled = true;
          throw e;
        }
        // A fit that failed would fail again: the run fails where the model was to take effect.
        if (this.cancelled || isFitFailure(e)) throw e;
        const message = (e as Error).message;
        if (this.stalled === null) this.logger.warn(`run ${this.runId}: ${what} failed (${message}); retrying with backoff`);
        this.stalled = message;
        await new Promise((r) => setTimeout(r, Math.min(100 * 2 ** attempt, MAX_BACKOFF_MS)));
      }
    }
  }

  private startTraining(trainedAt: number, options: ModelFitOptions = this.engine.nextForestOptions(), rows = this.rowsHere(trainedAt)): void {
    const lastTaskId = this.tasks ? this.tasks[trainedAt - 1].id : trainedAt - 1;
    const window = this.engine.config.learning.trainingWindow;
    const job = { runId: this.runId, lastTaskId, limit: window, order: this.tasks ? ('trace' as const) : ('generated' as const), options, holdoutFraction: this.settings.holdoutFraction };
    const fitHere = this.deps.fitHere;
    const result =
      rows && fitHere
        ? // The same rows the database would answer (the run stepped them here), fitted by the same function.
          new Promise<FitOutcome>((resolve) => resolve(fitHere({ rows, options, holdoutFraction: job.holdoutFraction })))
        : this.lastCommit.then(() => this.retrying('reading training rows', () => this.deps.trainer.retrain(job)));
    // Awaited where the model takes effect; until then a failure must not count as unhandled.
    result.catch(() => undefined);
    // The engine's learning.retrainLag (scaled down for early retrains) says where the model takes
    // effect: the run waits there for it. It may exceed the gap to the next retrain: then several
    // fits are in flight at once.
    this.trainings.push({ trainedAt, effectiveAt: this.engine.retrainEffectiveAt(trainedAt), options, result });
  }

  /** The training window of a retrain due after `trainedAt` tasks, when this execution stepped all of it (fitHere only). */
  private rowsHere(trainedAt: number) {
    return this.recent?.window(trainedAt, this.engine.config.learning.trainingWindow) ?? null;
  }

  /** Installs the oldest fit in flight: in effect at once if its task has come, else pending until it. */
  private async installTraining(): Promise<void> {
    const training = this.trainings[0];
    const fit = await training.result;
    this.trainings.shift();
    const info = this.engine.installModel(fit.model, training.effectiveAt, { r2: fit.r2, mae: fit.mae, samples: fit.samples, importances: fit.importances });
    this.lastRetrainAt = training.trainedAt;
    this.deps.metrics?.retrained(fit.durationMs);
    await this.retrying('storing the model', () => this.deps.writer.insertModelVersion({
      runId: this.runId,
      version: info.version,
      trainedAtTask: training.trainedAt,
      samples: fit.samples,
      r2: fit.r2,
      mae: fit.mae,
      featureImportances: Object.fromEntries(FEATURE_NAMES.map((name, i) => [name, fit.importances[i] ?? 0])),
      durationMs: fit.durationMs,
      model: fit.model,
    }));
    this.deps.listener?.onRetrain?.(info, this.runId);
  }
}
