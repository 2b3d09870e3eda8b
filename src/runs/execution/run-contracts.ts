// What a RunExecution is given and what it saves: its settings, its dependencies (writes, fits,
// listeners, metrics, fence) and the checkpoint it resumes from.
import type { ModelFitOptions, ModelInfo, SimulationEngine, StepResult } from '../../engine/index.js';
import type { FitJob, FitOutcome } from '../fitting/forest-fit.worker.js';
import type { RunTrainer } from '../fitting/run-trainer.service.js';
import type { Fence } from './fence.js';
import type { RunStore } from './run-store.js';
import type { WindowState } from './window-accumulator.js';

/** How a run persists and learns. */
export interface RunSettings {
  /** Flush when this many tasks are buffered… */
  flushTasks: number;
  /** …or when the oldest buffered task is this old (ms). */
  flushMs: number;
  /** Tasks per metrics window. */
  windowSize: number;
  /** Save the engine state every this many tasks (a multiple of windowSize and of the retrain interval)… */
  checkpointEvery: number;
  /** …and whenever this many ms have passed since the last save, so a slow run has a recent one too. */
  checkpointMs: number;
  holdoutFraction: number;
}

/** A fit started after task trainedAt (its rows committed), with the options drawn for it. */
export interface FitInFlight {
  trainedAt: number;
  options: ModelFitOptions;
}

/**
 * The checkpoint saved with a run: the engine as of taskIndex, a retrain due right there (its seed
 * not drawn yet), and the fits started earlier whose models were not installed yet.
 */
export interface RunCheckpoint {
  taskIndex: number;
  engine: unknown;
  pendingRetrainAt: number | null;
  fitsInFlight?: FitInFlight[];
  /** The metrics window in progress (absent in checkpoints taken on a window boundary by older versions). */
  windows?: WindowState;
}

/** Where a reopened run starts from: what its checkpoint saved besides the engine, and its stored progress. */
export interface RunResume {
  pendingRetrainAt: number | null;
  fitsInFlight: FitInFlight[];
  replayUntil: number;
  windows?: WindowState;
}

export interface RunListener {
  onStep?(step: StepResult, engine: SimulationEngine): void;
  onRetrain?(info: ModelInfo, runId: number): void;
}

/** Counters a run reports to (Prometheus), bound to the run's kind by whoever opens it. */
export interface RunMetricsSink {
  taskProcessed(): void;
  flushed(ms: number, rows: number): void;
  retrained(ms: number): void;
}

export interface RunDeps {
  /** Writes commit the run's progress with its rows and announce them (run data changed). */
  writer: Pick<RunStore, 'flush' | 'insertModelVersion'>;
  /** A retrain is one call: the rows are read and fitted where the database is (the main thread). */
  trainer: Pick<RunTrainer, 'retrain'>;
  /**
   * Fits on this thread (a run stepping in its own worker thread): a retrain whose rows this
   * execution stepped itself fits them at once, without a flush, a read or a round trip through
   * the main thread; one that needs older rows (after a resume) goes through `trainer`.
   */
  fitHere?: (job: FitJob) => FitOutcome;
  listener?: RunListener;
  metrics?: RunMetricsSink;
  /** Checked in every flush's transaction (see Fence); a run without one is written unconditionally. */
  fence?: Fence;
  /** Wall-clock ms for flush and checkpoint timing (Date.now; a test passes its own). */
  clock?: () => number;
}
