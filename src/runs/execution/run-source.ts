import { SimulationEngine, type DeepPartial, type EngineConfig, type Task } from '../../engine/index.js';
import type { StoredRun } from '../runs.repository.js';
import type { RunCheckpoint, RunResume } from './run-execution.js';

/** Everything a run's execution is built from, as read from the database (plain data: it can cross to a worker thread). */
export interface RunSource {
  runId: number;
  run: StoredRun;
  /** A trace's tasks, in order; null for a generated run. */
  tasks: Task[] | null;
  /** The retrain lag of the run's kind from the env, for runs stored before the lag was part of their engine config. */
  retrainLag: number;
}

/** The parts of a RunExecution: its engine restored from the checkpoint (or fresh from its config), and where it resumes. */
export interface RunParts {
  engine: SimulationEngine;
  tasks: readonly Task[] | null;
  total: number | null;
  resume: RunResume;
}

/**
 * Builds a stored run's engine where its checkpoint left it; tasks committed after the checkpoint
 * are replayed (replayUntil), and their rows are skipped by the unique keys. Pure: the same
 * source gives the same engine on the main thread and in a worker thread.
 */
export function runParts({ run, tasks, retrainLag }: RunSource): RunParts {
  const checkpoint = run.checkpoint as RunCheckpoint | null;
  const engine = checkpoint
    ? SimulationEngine.restore(withRetrainLag(checkpoint.engine as { config?: unknown }, retrainLag))
    : SimulationEngine.create(withRetrainLag({ config: run.config.engine }, retrainLag).config as DeepPartial<EngineConfig>);
  return {
    engine,
    tasks,
    total: run.kind === 'continuous' ? null : run.tasksTotal,
    resume: {
      pendingRetrainAt: checkpoint?.pendingRetrainAt ?? null,
      fitsInFlight: checkpoint?.fitsInFlight ?? [],
      replayUntil: run.tasksProcessed,
      windows: checkpoint?.windows,
    },
  };
}

/** `holder` with its `config.learning.retrainLag` set to `lag` where the config does not say. */
function withRetrainLag<T extends { config?: unknown }>(holder: T, lag: number): T {
  const config = (holder.config ?? {}) as { learning?: { retrainLag?: number } };
  if (config.learning?.retrainLag !== undefined) return holder;
  return { ...holder, config: { ...config, learning: { ...config.learning, retrainLag: lag } } };
}
