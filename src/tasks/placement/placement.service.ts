import { BadRequestException, ConflictException, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { LRUCache } from 'lru-cache';
import { NotFound } from '../../common/app-errors.js';
import type { EnvironmentVariables } from '../../config/env.schema.js';
import type {
  BatchPlacement,
  ObjectiveWeights,
  PlacementBatchRequest,
  PlacementOption,
  PlacementRequest,
  PlacementResponse,
  PlacementBatchResponse,
  PlacementScope,
  StrategyBatchTotals,
} from './dto/placement.dto.js';
import { SimulationEngine, type Outcome, type PlacementResult } from '../../engine/index.js';
import { engineRun, placementInput, type LiveRun, type Placed } from '../../runs/execution/live-run.js';
import { RunFactory } from '../../runs/execution/run-factory.js';
import { RunCatalog } from '../../runs/run-catalog.service.js';

type Weights = Required<ObjectiveWeights>;

interface MachineState {
  runId: number | null;
  source: 'live' | 'checkpoint' | 'empty';
  /** A run's engine, here or in its worker thread (which places between two chunks of steps). */
  machines: LiveRun;
}

// Restored checkpoints kept for repeated questions about the same run (each is a few MB).
const CHECKPOINTS_KEPT = 4;
const DEFAULT_WEIGHTS: Weights = { time: 1, energy: 0, cost: 0 };

/**
 * Scheduling advice: every strategy's placement of tasks on a run's machines (live or as last
 * checkpointed) or on idle ones, and a recommendation by weights. Reads engines, never steps them.
 */
@Injectable()
export class PlacementService {
  private readonly seed: number;
  private readonly checkpoints = new LRUCache<number, { taskIndex: number; engine: SimulationEngine }>({ max: CHECKPOINTS_KEPT });
  private readonly idle = new Map<number, SimulationEngine>();

  constructor(
    config: ConfigService<EnvironmentVariables, true>,
    private readonly runs: RunCatalog,
    private readonly factory: RunFactory,
  ) {
    this.seed = config.get('SIM_SEED', { infer: true });
  }

  async advise(request: PlacementRequest): Promise<PlacementResponse> {
    const weights = weightsOf(request.weights);
    const state = await this.machineState(request);
    const placed = await state.machines.place([placementInput(request)], false);
    return { ...describe(state, placed), ...placedTask(placed.results[0], weights), reasons: placed.reasons![0] };
  }

  async adviseBatch(request: PlacementBatchRequest): Promise<PlacementBatchResponse> {
    const weights = weightsOf(request.weights);
    const state = await this.machineState(request);
    const placed = await state.machines.place(request.tasks.map(placementInput), true);
    const names = placed.strategyNames;
    if (request.strategy !== undefined && !names.includes(request.strategy)) {
      throw new BadRequestException([`strategy must be one of this run's strategies: ${names.join(', ')}`]);
    }
    const results = placed.results;
    const strategies = scored(
      names.map((strategy) => batchTotals(strategy, results)),
      (s) => [s.meanCompletionTime, s.energy, s.cost],
      weights,
    );
    const recommendation = lowest(strategies);
    const strategy = request.strategy ?? recommendation.strategy;
    const placements = results.map((r, index): BatchPlacement => ({ index, durationEstimate: r.task.durationEstimate, ...outcome(r.placements[strategy]) }));
    return { ...describe(state, placed), strategies, recommendation, strategy, placements };
  }

  /** The machines the request asks about: a run's (live or checkpointed), idle ones, or the continuous run's. */
  private async machineState(scope: PlacementScope): Promise<MachineState> {
    if (scope.runId !== undefined && scope.machine !== undefined) throw new BadRequestException(['runId and machine exclude each other: give one of them']);
    if (scope.gpus !== undefined && scope.machine !== 'empty') throw new BadRequestException(['gpus applies only to machine "empty"']);
    if (scope.machine === 'empty') return { runId: null, source: 'empty', machines: engineRun(this.idleEngine(scope.gpus)) };
    if (scope.runId === undefined) {
      const continuous = this.runs.continuousRun();
      if (continuous) return { runId: continuous.runId, source: 'live', machines: continuous.live };
      // Another replica leads the continuous run: its machines as last checkpointed.
      const elsewhere = await this.runs.continuousRunElsewhere();
      if (elsewhere === null) throw new ConflictException('no continuous run: start one first, or give runId or machine "empty"');
      return { runId: elsewhere, source: 'checkpoint', machines: engineRun(await this.checkpointEngine(elsewhere)) };
    }
    const runId = scope.runId;
    const live = this.runs.liveRun(runId);
    if (live) return { runId, source: 'live', machines: live };
    return { runId, source: 'checkpoint', machines: engineRun(await this.checkpointEngine(runId)) };
  }

  private async checkpointEngine(runId: number): Promise<SimulationEngine> {
    const cached = this.checkpoints.get(runId);
    // A cheap look at which checkpoint is stored; the state itself is read only when it moved on.
    const index = await this.runs.checkpointIndex(runId);
    if (index === undefined) throw new NotFound('run', runId);
    if (cached && cached.taskIndex === index) return cached.engine;
    const checkpoint = await this.runs.loadCheckpoint(runId);
    if (checkpoint === undefined) throw new NotFound('run', runId);
    if (checkpoint === null) {
      throw new ConflictException(`run ${runId} has no machine state yet: a run stores it at each checkpoint and when it completes`);
    }
    const engine = SimulationEngine.restore(checkpoint.engine);
    this.checkpoints.set(runId, { taskIndex: checkpoint.taskIndex, engine });
    return engine;
  }

  private idleEngine(gpus: number | undefined): SimulationEngine {
    const key = gpus ?? 0;
    let engine = this.idle.get(key);
    if (!engine) {
      engine = SimulationEngine.create(this.factory.engineConfig('continuous', { seed: this.seed, gpus }));
      this.idle.set(key, engine);
    }
    return engine;
  }
}

function weightsOf(given: ObjectiveWeights | undefined): Weights {
  if (given === undefined) return DEFAULT_WEIGHTS;
  const weights = { time: given.time ?? 0, energy: given.energy ?? 0, cost: given.cost ?? 0 };
  if (weights.time + weights.energy + weights.cost === 0) {
    throw new BadRequestException(['weights: at least one of time, energy and cost must be above 0 (a weight left out is 0)']);
  }
  return weights;
}

function describe(state: MachineState, placed: Placed) {
  return { runId: state.runId, source: state.source, tasksProcessed: placed.processed, now: placed.now };
}

function placedTask(result: PlacementResult, weights: Weights) {
  const placements = scored(
    Object.entries(result.placements).map(([strategy, o]) => option(strategy, o)),
    (o) => [o.completionTime, o.energy, o.cost],
    weights,
  );
  return {
    durationEstimate: result.task.durationEstimate,
    oracle: { gpuFraction: result.oracle.gpuFraction, optimalTime: result.oracle.optimalTime },
    placements,
    recommendation: lowest(placements),
  };
}

function option(strategy: string, o: Outcome): Omit<PlacementOption, 'score'> {
  return { strategy, ...outcome(o) };
}

function outcome(o: Outcome): Omit<PlacementOption, 'score' | 'strategy'> {
  return {
    gpuFraction: o.gpuFraction,
    gpuId: o.gpuId,
    startTime: o.startTime,
    finishTime: o.finishTime,
    execTime: o.execTime,
    waitTime: o.waitTime,
    completionTime: o.completionTime,
    energy: o.energy,
    cost: o.cost,
  };
}

function batchTotals(strategy: string, results: PlacementResult[]): Omit<StrategyBatchTotals, 'score'> {
  let finishTime = -Infinity;
  let completion = 0;
  let energy = 0;
  let cost = 0;
  for (const { placements } of results) {
    const o = placements[strategy];
    if (o.finishTime > finishTime) finishTime = o.finishTime;
    completion += o.completionTime;
    energy += o.energy;
    cost += o.cost;
  }
  return { strategy, finishTime, meanCompletionTime: completion / results.length, energy, cost };
}

/**
 * Adds each item's score: per weighted objective (time, energy, cost), its value over the best
 * value among the items, times the weight; an objective weighted 0 does not count at all.
 */
function scored<T extends object>(items: T[], objectives: (item: T) => [number, number, number], weights: Weights): (T & { score: number })[] {
  const values = items.map(objectives);
  const w = [weights.time, weights.energy, weights.cost];
  const best = [0, 1, 2].map((k) => Math.min(...values.map((v) => v[k])));
  return items.map((item, i) => {
    let score = 0;
    for (let k = 0; k < 3; k++) if (w[k] > 0) score += w[k] * ratio(values[i][k], best[k]);
    // JSON has no Infinity.
    return { ...item, score: Number.isFinite(score) ? score : Number.MAX_VALUE };
  });
}

// A zero best (an instant or free task) ties every zero at 1; anything above it is infinitely worse.
function ratio(value: number, best: number): number {
  if (best > 0) return value / best;
  return value === 0 ? 1 : Infinity;
}

function lowest<T extends { score: number }>(items: T[]): T {
  return items.reduce((a, b) => (b.score < a.score ? b : a));
}
