// The engine's one entry point: the app imports from here and nowhere deeper.
export {
  ALL_STRATEGY_NAMES,
  DEFAULT_ENGINE_CONFIG,
  resolveEngineConfig,
  type DeepPartial,
  type EngineConfig,
  type ForestSpec,
  type LearningSpec,
  type MachineSpec,
  type RlSpec,
  type WorkloadSpec,
} from './config.js';
export type { EngineState, EngineTimings, LaneSample, PlacementResult, SavedModel, StepResult } from './engine-state.js';
export {
  EngineError,
  InvalidConfigError,
  InvalidStateError,
  TraceValidationError,
  UnknownDependencyError,
  UnknownStrategyError,
  type TraceRowError,
} from './errors.js';
export type { ModelDetails, ModelFitOptions } from './learning/model-manager.js';
export type { ModelInfo } from './learning/model-slot.js';
export { computeBoundSplit, PlacementModel, type PlacementFit, type PlacementFitOptions, type PlacementModelJson } from './learning/placement-model.js';
export type { TrainingRow } from './learning/training-window.js';
export { Machine, type MachineState, type Outcome, type Utilization } from './machine/machine.js';
export { oracleDecision, type OracleDecision } from './machine/oracle.js';
export { fitForestFromRows, RegressionForest, type ForestRow, type RegressionForestJson } from './ml/forest/regression-forest.js';
export { RngStreams, type Rng, type RngStreamsState } from './random/rng-streams.js';
export type { StrategyReport } from './report.js';
export { SimulationEngine, type EngineOptions } from './simulation-engine.js';
export {
  StrategyStats,
  type DistributionSummary,
  type PercentileRule,
  type PerDevice,
  type SchedulingSummary,
  type StrategyStatsState,
  type StrategySummary,
} from './stats/strategy-stats.js';
export { QuantileSketch, type QuantileSketchState } from './stats/quantile-sketch.js';
export { STRATEGY_DEFINITIONS, ORACLE_STRATEGY_NAME, strategyDefinition, strategyNames } from './strategies/registry.js';
export { rlFirstTrainingAt } from './strategies/rl-agent.strategy.js';
export type { Decision, Strategy, StrategyContext, StrategyDefinition, StrategyEnv, StrategyFeedback, StrategyReason } from './strategies/strategy.js';
export { generateTask } from './workload/generate-task.js';
export { durationEstimate, FEATURE_NAMES, taskFeatures, type Task } from './workload/task.js';
export { parseTraceCsv, parseTraceRecords, TRACE_COLUMNS, type TraceOptions } from './workload/trace.js';
