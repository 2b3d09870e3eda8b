import type { EngineConfig } from './config.js';
import { InvalidStateError } from './errors.js';
import type { ModelInfo } from './learning/model-slot.js';
import type { TrainingRow } from './learning/training-window.js';
import type { MachineState, Outcome } from './machine/machine.js';
import type { OracleDecision } from './machine/oracle.js';
import type { RngStreamsState } from './random/rng-streams.js';
import type { StrategyStatsState } from './stats/strategy-stats.js';
import type { Task } from './workload/task.js';

/**
 * What a strategy's statistics took from its machine for one counted task: each device's free time
 * as the task arrived (before it was placed) and the parts it ran. Fed with the step's outcome to
 * StrategyStats.arrive/occupy/add, it gives exactly the engine's own accumulators (windows use it).
 */
export interface LaneSample {
  readonly cpuFree: number;
  readonly gpuFree: ArrayLike<number>;
  readonly cpuPart: number;
  readonly gpuPart: number;
}

/** Everything one step produced. */
export interface StepResult {
  /** 0-based position of this task in the run. */
  readonly index: number;
  readonly task: Task;
  readonly oracle: OracleDecision;
  readonly outcomes: Record<string, Outcome>;
  /** Non-oracle strategies with the smallest completion time on this task. */
  readonly winners: string[];
  /** False for the run's warm-up tasks (stats.warmupTasks): they ran, but no statistics count them. */
  readonly counted: boolean;
  /** Per strategy, what its statistics took from its machine; empty for a warm-up task. */
  readonly samples: Readonly<Record<string, LaneSample>>;
  /** External mode: a retrain is due now (the caller fits trainingWindow() and calls installModel). */
  readonly retrainDue: boolean;
  /** Inline mode: the model fitted right after this task, if any. */
  readonly retrained: ModelInfo | null;
}

/** Every strategy's decision for a task on the current machines, changing nothing. */
export interface PlacementResult {
  readonly task: Task;
  readonly oracle: OracleDecision;
  readonly placements: Record<string, Outcome>;
}

/** A model waiting in the wings (external mode), or installed. */
export interface SavedModel {
  readonly json: unknown;
  readonly info: ModelInfo;
}

/** Wall-clock profile of a run (bench only; not part of the saved state). */
export interface EngineTimings {
  /** Milliseconds spent per strategy (decide + run + learn); filled only when profiling. */
  readonly strategies: Record<string, number>;
  readonly retrainMs: number;
  readonly retrains: number;
}

/** The engine's whole state as plain JSON: `SimulationEngine.restore(JSON.parse(JSON.stringify(state)))` resumes exactly. */
export interface EngineState {
  readonly format: 'simulation-engine';
  readonly version: 1;
  readonly config: EngineConfig;
  readonly tasksProcessed: number;
  readonly nextTaskId: number;
  readonly lastArrival: number;
  readonly rng: RngStreamsState;
  readonly machines: Record<string, MachineState>;
  readonly strategies: Record<string, unknown>;
  readonly stats: Record<string, StrategyStatsState>;
  readonly training: TrainingRow[];
  readonly modelVersion: number;
  readonly model: SavedModel | null;
  readonly pendingModels: (SavedModel & { readonly effectiveAtTask: number })[];
}

/** Checks the outer shape of a saved state; the parts check themselves on restore. */
export function expectEngineState(state: unknown): EngineState {
  const s = state as Partial<EngineState> | null;
  if (s === null || typeof s !== 'object' || s.format !== 'simulation-engine' || s.version !== 1) {
    throw new InvalidStateError('not a simulation-engine state (format/version)');
  }
  const objects = [s.config, s.rng, s.machines, s.strategies, s.stats];
  if (objects.some((o) => o === null || typeof o !== 'object') || !Array.isArray(s.training) || !Array.isArray(s.pendingModels)) {
    throw new InvalidStateError('simulation-engine state is missing parts');
  }
  if (!Number.isInteger(s.tasksProcessed) || !Number.isInteger(s.nextTaskId) || typeof s.lastArrival !== 'number') {
    throw new InvalidStateError('simulation-engine state has invalid counters');
  }
  return s as EngineState;
}
