import { durationEstimate, type PlacementResult, type SimulationEngine, type StrategyReason, type Task } from '../../engine/index.js';
import type { FinalSummary } from './worker/protocol.js';

/** A task to place, as a client describes it (its duration estimate computed from the run's workload when left out). */
export interface PlacementInput {
  size: number;
  computeIntensity: number;
  memoryRequired: number;
  durationEstimate?: number;
}

/** Placements on a run's machines, with the state they were placed on. */
export interface Placed {
  processed: number;
  /** The machines' clock: the placed tasks arrive now. */
  now: number;
  strategyNames: string[];
  results: PlacementResult[];
  /** Each task's reasons, per strategy (tasks placed each on its own only). */
  reasons?: Record<string, StrategyReason>[];
}

/**
 * What other modules may read of a run executing in this process, wherever its engine steps: on
 * this thread, or in a worker thread (asked by message, answered between two chunks of steps).
 */
export interface LiveRun {
  /** Tasks stepped so far (in a worker thread: as last reported). */
  readonly processed: number;
  /** `inputs` placed on the run's machines as they are now: each on its own, or one after another (`sequence`). Changes no state. */
  place(inputs: readonly PlacementInput[], sequence: boolean): Promise<Placed>;
  /** What the run's summary is made from. */
  summary(): Promise<FinalSummary>;
}

/** Placement on `engine` (read-only): the tasks arrive at its clock, ids −1, −2, …, so no real task is confused with them. */
export function placeOn(engine: SimulationEngine, inputs: readonly PlacementInput[], sequence: boolean): Placed {
  const tasks = inputs.map((input, i): Task => ({
    id: -1 - i,
    size: input.size,
    computeIntensity: input.computeIntensity,
    memoryRequired: input.memoryRequired,
    durationEstimate: input.durationEstimate ?? durationEstimate(input.size, input.computeIntensity, engine.config.workload),
    arrivalTime: engine.currentTime,
    dependencies: [],
  }));
  if (sequence) return { processed: engine.processed, now: engine.currentTime, strategyNames: engine.strategyNames, results: engine.placementSequence(tasks) };
  const results = tasks.map((task) => engine.placement(task));
  return { processed: engine.processed, now: engine.currentTime, strategyNames: engine.strategyNames, results, reasons: tasks.map((task) => engine.reasons(task)) };
}

/** The summary an engine's run is stored with, and its sketch accuracy. */
export function engineSummary(engine: SimulationEngine): FinalSummary {
  return { summary: engine.report(), relativeAccuracy: engine.config.stats.relativeAccuracy };
}

/** An engine on this thread (a run stepping here, a restored checkpoint, idle machines) read as a LiveRun. */
export function engineRun(engine: SimulationEngine): LiveRun {
  return {
    get processed() {
      return engine.processed;
    },
    place: (inputs, sequence) => Promise.resolve(placeOn(engine, inputs, sequence)),
    summary: () => Promise.resolve(engineSummary(engine)),
  };
}

/** Only the fields of a placement task (a request DTO carries its scope and weights too). */
export function placementInput({ size, computeIntensity, memoryRequired, durationEstimate }: PlacementInput): PlacementInput {
  return { size, computeIntensity, memoryRequired, ...(durationEstimate !== undefined ? { durationEstimate } : {}) };
}
