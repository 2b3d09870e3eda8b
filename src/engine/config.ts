import { InvalidConfigError } from './errors.js';

/** Workload generator constants (DESIGN.md "Workload"). */
export interface WorkloadSpec {
  /** Poisson arrival rate, tasks per simulated second. */
  readonly arrivalRate: number;
  readonly minSize: number;
  readonly maxSize: number;
  readonly paretoShape: number;
  readonly lowIntensityProbability: number;
  readonly lowIntensityMean: number;
  readonly highIntensityMean: number;
  readonly intensityStd: number;
  readonly minIntensity: number;
  readonly maxIntensity: number;
  /** MB. */
  readonly minMem: number;
  /** MB. */
  readonly maxMem: number;
  /** Std of the memory noise as a fraction of maxMem. */
  readonly memoryNoiseFraction: number;
  readonly dependencyProbability: number;
  readonly maxDependencies: number;
  /** Parents are drawn among this many previous tasks. */
  readonly dependencyWindow: number;
  /** duration = (size/durationSizeUnit)^durationExponent / (intensity + durationIntensityOffset). */
  readonly durationSizeUnit: number;
  readonly durationExponent: number;
  readonly durationIntensityOffset: number;
}

/** Machine constants (DESIGN.md "Machine"). */
export interface MachineSpec {
  /** Host-to-GPU bandwidth, MB/s. */
  readonly bandwidthMBps: number;
  /** speedup s = 1 + gpuSpeedupPerIntensity · compute_intensity. */
  readonly gpuSpeedupPerIntensity: number;
  readonly cpuPowerW: number;
  readonly gpuPowerW: number;
  /** $ per busy second. */
  readonly cpuRatePerS: number;
  readonly gpuRatePerS: number;
  /**
   * Speed multiplier of each GPU (mixed GPU types): GPU g runs its part gpuSpeeds[g] times as fast
   * as the reference GPU. Empty (the default): every GPU is the reference, multiplier 1.
   */
  readonly gpuSpeeds: readonly number[];
}

/** Random-forest options for hybrid_ml. */
export interface ForestSpec {
  readonly nTrees: number;
  readonly maxDepth: number;
  readonly minSamplesSplit: number;
  readonly minSamplesLeaf: number;
  /** Features tried per split; 0 means all. */
  readonly maxFeatures: number;
  /** Draw each tree's rows with replacement. */
  readonly bootstrap: boolean;
}

/** Online learning of hybrid_ml (DESIGN.md "Online learning"). */
export interface LearningSpec {
  /** inline: the engine fits at exact task indices (deterministic); external: step() raises retrainDue and the caller fits. */
  readonly mode: 'inline' | 'external';
  /** Retrain every this many labels, after early retrains at minSamples, 2·minSamples, 4·minSamples … below it. */
  readonly retrainInterval: number;
  /**
   * Tasks between a retrain on a full interval and the task its model takes effect at (early retrains
   * wait proportionally less); 0 = at once. Lets an external trainer fit while the run steps on.
   */
  readonly retrainLag: number;
  readonly trainingWindow: number;
  readonly minSamples: number;
  readonly holdoutFraction: number;
  readonly forest: ForestSpec;
}

/** rl_agent constants. */
export interface RlSpec {
  /** Energy weight of the reward. */
  readonly w: number;
  readonly completionScale: number;
  readonly energyScale: number;
  /**
   * Train on reward / t (the task's CPU duration) instead of the raw reward. With gamma 0 a positive
   * per-state factor leaves every state's best action unchanged, and it takes the heavy tail of task
   * sizes out of the Q regression.
   */
  readonly normaliseReward: boolean;
  readonly fractionBins: readonly number[];
  readonly epsilonStart: number;
  readonly epsilonEnd: number;
  /** Multiplicative ε decay per decision. */
  readonly epsilonDecay: number;
  readonly hidden: readonly number[];
  readonly learningRate: number;
  readonly gamma: number;
  readonly replayCapacity: number;
  readonly batchSize: number;
  readonly trainEvery: number;
  readonly targetSync: number;
  /** The task's duration enters the state as tanh(t / durationScale). */
  readonly durationScale: number;
}

export interface EngineConfig {
  readonly seed: number;
  readonly gpus: number;
  readonly workload: WorkloadSpec;
  readonly machine: MachineSpec;
  readonly strategies: readonly string[];
  readonly learning: LearningSpec;
  readonly rl: RlSpec;
  readonly eft: { readonly fractionStep: number };
  /** Relative accuracy of the percentile sketches. */
  readonly stats: {
    readonly relativeAccuracy: number;
    /** The first this many tasks of a run warm the machines up: they run, but no strategy's statistics count them. */
    readonly warmupTasks: number;
  };
  /** window: keep finish times of the last workload.dependencyWindow tasks; all: of every task (traces). */
  readonly dependencies: { readonly retention: 'window' | 'all' };
}

export type DeepPartial<T> = { [K in keyof T]?: T[K] extends readonly unknown[] ? T[K] : T[K] extends object ? DeepPartial<T[K]> : T[K] };

export const ALL_STRATEGY_NAMES = ['round_robin', 'random', 'greedy', 'hybrid_ml', 'rl_agent', 'oracle', 'eft'] as const;

/** DESIGN.md's defaults. */
export const DEFAULT_ENGINE_CONFIG: EngineConfig = {
  seed: 42,
  gpus: 4,
  workload: {
    arrivalRate: 2,
    minSize: 100,
    maxSize: 10000,
    paretoShape: 1.5,
    lowIntensityProbability: 0.3,
    lowIntensityMean: 0.2,
    highIntensityMean: 0.8,
    intensityStd: 0.1,
    minIntensity: 0.05,
    maxIntensity: 1,
    minMem: 10,
    maxMem: 5000,
    memoryNoiseFraction: 0.1,
    dependencyProbability: 0.2,
    maxDependencies: 3,
    dependencyWindow: 50,
    durationSizeUnit: 1000,
    durationExponent: 1.5,
    durationIntensityOffset: 0.5,
  },
  machine: {
    bandwidthMBps: 16000,
    gpuSpeedupPerIntensity: 3,
    cpuPowerW: 100,
    gpuPowerW: 200,
    cpuRatePerS: 0.00002,
    gpuRatePerS: 0.0001,
    gpuSpeeds: [],
  },
  strategies: ALL_STRATEGY_NAMES,
  learning: {
    mode: 'inline',
    retrainInterval: 50,
    retrainLag: 0,
    trainingWindow: 1000,
    minSamples: 50,
    holdoutFraction: 0.2,
    forest: { nTrees: 20, maxDepth: 10, minSamplesSplit: 4, minSamplesLeaf: 2, maxFeatures: 0, bootstrap: true },
  },
  rl: {
    w: 0.2,
    completionScale: 10,
    energyScale: 500,
    normaliseReward: true,
    fractionBins: [0, 0.2, 0.4, 0.6, 0.8, 1],
    epsilonStart: 1,
    epsilonEnd: 0.01,
    epsilonDecay: 0.98,
    hidden: [32],
    learningRate: 0.005,
    // A placement's reward arrives with its task; later tasks see its effect through their backlog features.
    gamma: 0,
    replayCapacity: 5000,
    batchSize: 32,
    trainEvery: 4,
    targetSync: 100,
    durationScale: 10,
  },
  eft: { fractionStep: 0.05 },
  stats: { relativeAccuracy: 0.005, warmupTasks: 0 },
  dependencies: { retention: 'window' },
};

function merge<T>(base: T, patch: unknown): T {
  if (patch === undefined) return base;
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch) || typeof base !== 'object' || base === null || Array.isArray(base)) {
    return patch as T;
  }
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [key, value] of Object.entries(patch)) out[key] = merge(out[key], value);
  return out as T;
}

function check(problems: string[], ok: boolean, message: string): void {
  if (!ok) problems.push(message);
}

const isPositive = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v) && v > 0;
const isNonNegative = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v) && v >= 0;
const isProbability = (v: unknown): boolean => typeof v === 'number' && v >= 0 && v <= 1;
const isPositiveInt = (v: unknown): boolean => Number.isInteger(v) && (v as number) > 0;

/**
 * Fills a partial config with DESIGN.md's defaults and validates it.
 * @throws InvalidConfigError listing every bad value.
 */
export function resolveEngineConfig(partial: DeepPartial<EngineConfig> = {}): EngineConfig {
  const c = merge(DEFAULT_ENGINE_CONFIG, partial);
  const p: string[] = [];
  const w = c.workload;
  const m = c.machine;
  check(p, Number.isInteger(c.seed), 'seed must be an integer');
  check(p, isPositiveInt(c.gpus), 'gpus must be a positive integer');
  for (const key of ['arrivalRate', 'minSize', 'maxSize', 'paretoShape', 'maxMem', 'durationSizeUnit', 'durationExponent'] as const) {
    check(p, isPositive(w[key]), `workload.${key} must be > 0`);
  }
  for (const key of ['intensityStd', 'minMem', 'memoryNoiseFraction', 'durationIntensityOffset', 'minIntensity'] as const) {
    check(p, isNonNegative(w[key]), `workload.${key} must be >= 0`);
  }
  for (const key of ['lowIntensityProbability', 'dependencyProbability', 'maxIntensity'] as const) {
    check(p, isProbability(w[key]), `workload.${key} must be within [0, 1]`);
  }
  check(p, w.minSize <= w.maxSize, 'workload.minSize must be <= maxSize');
  check(p, w.minMem <= w.maxMem, 'workload.minMem must be <= maxMem');
  check(p, w.minIntensity <= w.maxIntensity, 'workload.minIntensity must be <= maxIntensity');
  check(p, isPositiveInt(w.maxDependencies) && isPositiveInt(w.dependencyWindow), 'workload.maxDependencies and dependencyWindow must be positive integers');
  check(p, isPositive(m.bandwidthMBps), 'machine.bandwidthMBps must be > 0');
  for (const key of ['gpuSpeedupPerIntensity', 'cpuPowerW', 'gpuPowerW', 'cpuRatePerS', 'gpuRatePerS'] as const) {
    check(p, isNonNegative(m[key]), `machine.${key} must be >= 0`);
  }
  check(
    p,
    Array.isArray(m.gpuSpeeds) && (m.gpuSpeeds.length === 0 || m.gpuSpeeds.length === c.gpus) && m.gpuSpeeds.every(isPositive),
    'machine.gpuSpeeds must be empty or one speed > 0 per GPU',
  );
  check(p, Array.isArray(c.strategies) && c.strategies.length > 0 && new Set(c.strategies).size === c.strategies.length, 'strategies must be a non-empty list of distinct names');
  const l = c.learning;
  check(p, l.mode === 'inline' || l.mode === 'external', "learning.mode must be 'inline' or 'external'");
  check(p, isPositiveInt(l.retrainInterval) && isPositiveInt(l.trainingWindow) && isPositiveInt(l.minSamples), 'learning.retrainInterval, trainingWindow and minSamples must be positive integers');
  check(p, Number.isInteger(l.retrainLag) && l.retrainLag >= 0, 'learning.retrainLag must be an integer >= 0');
  check(p, typeof l.holdoutFraction === 'number' && l.holdoutFraction >= 0 && l.holdoutFraction < 1, 'learning.holdoutFraction must be within [0, 1)');
  check(p, isPositiveInt(l.forest.nTrees) && isPositiveInt(l.forest.maxDepth), 'learning.forest.nTrees and maxDepth must be positive integers');
  const r = c.rl;
  check(p, isProbability(r.w), 'rl.w must be within [0, 1]');
  check(p, Array.isArray(r.fractionBins) && r.fractionBins.length > 0 && r.fractionBins.every(isProbability), 'rl.fractionBins must be fractions within [0, 1]');
  check(p, isProbability(r.epsilonStart) && isProbability(r.epsilonEnd) && isProbability(r.epsilonDecay), 'rl.epsilon* must be within [0, 1]');
  check(p, isPositive(r.completionScale) && isPositive(r.energyScale) && isPositive(r.durationScale), 'rl scales must be > 0');
  check(p, isPositiveInt(r.replayCapacity) && isPositiveInt(r.batchSize) && isPositiveInt(r.trainEvery) && isPositiveInt(r.targetSync), 'rl replay/batch/train/sync sizes must be positive integers');
  check(p, isPositive(c.eft.fractionStep) && c.eft.fractionStep <= 1, 'eft.fractionStep must be within (0, 1]');
  check(p, isPositive(c.stats.relativeAccuracy) && c.stats.relativeAccuracy < 1, 'stats.relativeAccuracy must be within (0, 1)');
  check(p, Number.isInteger(c.stats.warmupTasks) && c.stats.warmupTasks >= 0, 'stats.warmupTasks must be an integer >= 0');
  check(p, c.dependencies.retention === 'window' || c.dependencies.retention === 'all', "dependencies.retention must be 'window' or 'all'");
  if (p.length > 0) throw new InvalidConfigError(p);
  return c;
}
