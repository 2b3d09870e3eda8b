import { resolveEngineConfig, type DeepPartial, type EngineConfig } from './config.js';
import { UnknownStrategyError } from './errors.js';
import { expectEngineState, type EngineState, type EngineTimings, type LaneSample, type PlacementResult, type StepResult } from './engine-state.js';
import { checkedDecision, type Lane } from './lane.js';
import { ModelManager, type ModelDetails } from './learning/model-manager.js';
import type { ModelInfo } from './learning/model-slot.js';
import { isRetrainPoint, retrainLagAt } from './learning/retrain-schedule.js';
import { TrainingWindow, type TrainingRow } from './learning/training-window.js';
import { Machine, type Outcome, type Utilization } from './machine/machine.js';
import { oracleDecision } from './machine/oracle.js';
import { placementReasons, placeSequence, placeTask } from './placement.js';
import { RngStreams } from './random/rng-streams.js';
import { laneReports, laneStatsStates, laneSummaries, type StrategyReport } from './report.js';
import { ORACLE_STRATEGY_NAME, strategyDefinition, strategyNames } from './strategies/registry.js';
import type { Strategy, StrategyEnv, StrategyReason } from './strategies/strategy.js';
import { StrategyStats, type StrategyStatsState, type StrategySummary } from './stats/strategy-stats.js';
import { generateTask } from './workload/generate-task.js';
import type { Task } from './workload/task.js';

/** Options that do not belong in the saved state. */
export interface EngineOptions {
  /** Measure wall time per strategy (costs two clock reads per strategy per task). */
  readonly profile?: boolean;
}

// One stream for the workload, then a decision and a learner stream per registered strategy;
// registry order fixes the jump counts, so a strategy appended later changes nobody's stream.
function streamNames(): string[] {
  return ['workload', ...strategyNames().flatMap((name) => [`strategy.${name}`, `learner.${name}`])];
}

/**
 * Runs every configured strategy side by side on one task stream, each on its own machine
 * (DESIGN.md "The simulation model"). Deterministic from its seed, resumable from `snapshot()`.
 * Placement without stepping is placement.ts's, the reports report.ts's, over this engine's lanes.
 */
export class SimulationEngine {
  private lanes: Lane[] = [];
  private tasksProcessed = 0;
  private nextTaskId = 0;
  private lastArrival = 0;
  private retrainMs = 0;
  private retrains = 0;
  private readonly profile: boolean;
  private training: TrainingWindow;
  private readonly models: ModelManager;

  private constructor(
    readonly config: EngineConfig,
    private readonly rng: RngStreams,
    options: EngineOptions,
  ) {
    this.profile = options.profile ?? false;
    this.training = new TrainingWindow(config.learning.trainingWindow);
    this.models = new ModelManager(config.learning, rng.get('learner.hybrid_ml'), config.machine.gpuSpeedupPerIntensity);
  }

  /** A fresh engine; every missing config value takes DESIGN.md's default. */
  static create(config: DeepPartial<EngineConfig> = {}, options: EngineOptions = {}): SimulationEngine {
    const resolved = resolveEngineConfig(config);
    resolved.strategies.forEach(strategyDefinition);
    const engine = new SimulationEngine(resolved, RngStreams.fromSeed(resolved.seed, streamNames()), options);
    engine.lanes = resolved.strategies.map((name) => engine.lane(name, (env) => strategyDefinition(name).create(env)));
    return engine;
  }

  /**
   * An engine that continues exactly where `snapshot()` left it.
   * @throws InvalidStateError when the state is malformed.
   */
  static restore(state: unknown, options: EngineOptions = {}): SimulationEngine {
    const s = expectEngineState(state);
    const config = resolveEngineConfig(s.config as DeepPartial<EngineConfig>);
    config.strategies.forEach(strategyDefinition);
    const engine = new SimulationEngine(config, RngStreams.restore(s.rng), options);
    engine.lanes = config.strategies.map((name) => {
      const lane = engine.lane(name, (env) => strategyDefinition(name).restore(s.strategies[name], env), s.machines[name]);
      return { ...lane, stats: StrategyStats.restore(s.stats[name]) };
    });
    engine.tasksProcessed = s.tasksProcessed;
    engine.nextTaskId = s.nextTaskId;
    engine.lastArrival = s.lastArrival;
    engine.models.restore(s);
    engine.training = TrainingWindow.restore(config.learning.trainingWindow, s.training);
    return engine;
  }

  /** Tasks stepped so far. */
  get processed(): number {
    return this.tasksProcessed;
  }

  /** Arrival time of the latest task generated or stepped: the simulated "now" of the run. */
  get currentTime(): number {
    return this.lastArrival;
  }

  /** The enabled strategies, in config order. */
  get strategyNames(): string[] {
    return this.lanes.map((lane) => lane.name);
  }

  /** The next task of the generated workload (ids 0, 1, 2 …); does not step it. */
  nextTask(): Task {
    const task = generateTask(this.rng.get('workload'), this.config.workload, this.nextTaskId++, this.lastArrival);
    this.lastArrival = task.arrivalTime;
    return task;
  }

  /** Runs one task through every strategy, learns from it and updates the accumulators. */
  step(task: Task): StepResult {
    const index = this.tasksProcessed;
    // Warm-up tasks run on every machine, but no strategy's statistics count them.
    const counted = index >= this.config.stats.warmupTasks;
    this.models.applyDue(index);
    const oracle = oracleDecision(task, this.config.machine);
    const outcomes: Record<string, Outcome> = {};
    const samples: Record<string, LaneSample> = {};
    let best = Infinity;
    for (const lane of this.lanes) {
      const started = this.profile ? performance.now() : 0;
      const ctx = { machine: lane.machine, oracle };
      const decision = checkedDecision(lane.name, lane.strategy.decide(task, ctx), this.config);
      // The devices' free times as the task arrives, for the step's sample (windows feed their stats from it as here).
      const cpuFree = lane.machine.cpuFree;
      const gpuFree = counted ? lane.machine.gpuFree.slice() : null;
      if (counted) lane.stats.arrive(task.arrivalTime, lane.machine);
      const outcome = lane.machine.run(task, decision.f, decision.gpu);
      if (gpuFree) {
        const { lastCpuPart: cpuPart, lastGpuPart: gpuPart } = lane.machine;
        lane.stats.occupy(outcome, cpuPart, gpuPart);
        samples[lane.name] = { cpuFree, gpuFree, cpuPart, gpuPart };
      }
      lane.strategy.learn?.({ task, decision, outcome, machine: lane.machine, oracle });
      outcomes[lane.name] = outcome;
      if (lane.competes && outcome.completionTime < best) best = outcome.completionTime;
      if (this.profile) lane.elapsedMs += performance.now() - started;
    }
    const winners: string[] = [];
    for (const lane of this.lanes) {
      const outcome = outcomes[lane.name];
      const won = lane.competes && outcome.completionTime === best;
      if (won) winners.push(lane.name);
      if (counted) lane.stats.add(outcome, oracle.optimalTime, won);
    }
    this.training.push(task, oracle);
    // A trace's tasks do not come from nextTask: its "now" follows the tasks it steps.
    if (task.arrivalTime > this.lastArrival) this.lastArrival = task.arrivalTime;
    this.tasksProcessed++;
    const { retrainDue, retrained } = this.afterStep();
    return { index, task, oracle, outcomes, winners, counted, samples, retrainDue, retrained };
  }

  /** Every strategy's decision for `task` on the current machines; changes no state at all. */
  placement(task: Task): PlacementResult {
    return placeTask(this.lanes, task, this.config);
  }

  /** Why each strategy that can say so would place `task` as `placement` does; changes no state. */
  reasons(task: Task): Record<string, StrategyReason> {
    return placementReasons(this.lanes, task, this.config);
  }

  /**
   * Every strategy's decisions for `tasks` placed one after another: each strategy places them on a
   * copy of its machine, each task seeing the ones before it in the queues, and decides as it would
   * had they arrived in that order (its turn and random draws move on); nothing learns from them.
   * Changes no state of the engine.
   */
  placementSequence(tasks: readonly Task[]): PlacementResult[] {
    return placeSequence(this.lanes, tasks, this.config);
  }

  /** Leaderboard lines, in config order. */
  summary(): StrategySummary[] {
    return laneSummaries(this.lanes);
  }

  /** Every strategy's accumulators as JSON, in config order (what `snapshot().stats` holds, alone). */
  statsState(): Record<string, StrategyStatsState> {
    return laneStatsStates(this.lanes);
  }

  /** Leaderboard lines with each strategy's scheduling metrics (makespan, utilisation, backlog), in config order. */
  report(): StrategyReport[] {
    return laneReports(this.lanes, this.config.gpus);
  }

  /** Per-device utilisation of one strategy's machine. */
  utilization(strategy: string): Utilization {
    return this.laneOf(strategy).machine.utilization();
  }

  /** The latest trainingWindow labelled rows, oldest first. */
  trainingWindow(): TrainingRow[] {
    return this.training.rows();
  }

  /** Forest options (with a fresh deterministic seed) for an external fit of trainingWindow(). */
  nextForestOptions(): ReturnType<ModelManager['forestOptions']> {
    return this.models.forestOptions();
  }

  /** The installed hybrid_ml model's facts, or null before the first. */
  modelInfo(): ModelInfo | null {
    return this.models.slot.info;
  }

  /**
   * Installs a PlacementModel (its JSON form) for hybrid_ml, taking effect before task
   * `effectiveAtTask` (0-based; now when omitted), so a run with external training replays exactly.
   */
  installModel(modelJson: unknown, effectiveAtTask?: number, details?: ModelDetails): ModelInfo {
    return this.models.install(modelJson, this.tasksProcessed, effectiveAtTask, details);
  }

  /** The task from which a model fitted after `trainedAt` tasks takes effect (learning.retrainLag, scaled for early retrains). */
  retrainEffectiveAt(trainedAt: number): number {
    return trainedAt + retrainLagAt(trainedAt, this.config.learning);
  }

  /** Wall-clock profile (per-strategy times only with `profile: true`). */
  timings(): EngineTimings {
    const strategies: Record<string, number> = {};
    for (const lane of this.lanes) strategies[lane.name] = lane.elapsedMs;
    return { strategies, retrainMs: this.retrainMs, retrains: this.retrains };
  }

  /** The whole state as plain JSON. */
  snapshot(): EngineState {
    const record = <T>(f: (lane: Lane) => T): Record<string, T> => Object.fromEntries(this.lanes.map((lane) => [lane.name, f(lane)]));
    return {
      format: 'simulation-engine',
      version: 1,
      config: this.config,
      tasksProcessed: this.tasksProcessed,
      nextTaskId: this.nextTaskId,
      lastArrival: this.lastArrival,
      rng: this.rng.toJSON(),
      machines: record((lane) => lane.machine.toJSON()),
      strategies: record((lane) => lane.strategy.toJSON()),
      stats: this.statsState(),
      training: this.training.rows(),
      ...this.models.toJSON(),
    };
  }

  private afterStep(): { retrainDue: boolean; retrained: ModelInfo | null } {
    const { learning } = this.config;
    const due =
      isRetrainPoint(this.tasksProcessed, learning) &&
      this.training.size >= learning.minSamples &&
      this.lanes.some((lane) => lane.name === 'hybrid_ml');
    if (!due) return { retrainDue: false, retrained: null };
    if (learning.mode === 'external') return { retrainDue: true, retrained: null };
    const started = performance.now();
    const retrained = this.models.fitNow(this.training.rows(), this.tasksProcessed, this.retrainEffectiveAt(this.tasksProcessed));
    this.retrainMs += performance.now() - started;
    this.retrains++;
    return { retrainDue: false, retrained };
  }

  private lane(name: string, make: (env: StrategyEnv) => Strategy, machineState?: unknown): Lane {
    const { config } = this;
    const env: StrategyEnv = {
      config,
      rng: this.rng.get(`strategy.${name}`),
      learnerRng: this.rng.get(`learner.${name}`),
      models: this.models.slot,
    };
    const machine =
      machineState === undefined
        ? Machine.create(config.machine, config.gpus, config.dependencies.retention, config.workload.dependencyWindow)
        : Machine.restore(config.machine, machineState as Parameters<typeof Machine.restore>[1]);
    const stats = StrategyStats.create(config.stats.relativeAccuracy);
    return { name, strategy: make(env), machine, stats, competes: name !== ORACLE_STRATEGY_NAME, elapsedMs: 0 };
  }

  private laneOf(name: string): Lane {
    const lane = this.lanes.find((l) => l.name === name);
    if (lane === undefined) throw new UnknownStrategyError(name);
    return lane;
  }
}
