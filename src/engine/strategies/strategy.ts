import type { EngineConfig } from '../config.js';
import type { Machine, Outcome } from '../machine/machine.js';
import type { OracleDecision } from '../machine/oracle.js';
import type { Rng } from '../random/rng-streams.js';
import type { ModelSlot } from '../learning/model-slot.js';
import type { Task } from '../workload/task.js';

/** A placement: GPU fraction f ∈ [0, 1] and the GPU that runs the GPU part (ignored when f = 0). */
export interface Decision {
  readonly f: number;
  readonly gpu: number;
}

/** What a strategy may look at when it decides: its own machine (read only) and the oracle's label. */
export interface StrategyContext {
  readonly machine: Machine;
  readonly oracle: OracleDecision;
}

/** A strategy's reasons for a placement (see each strategy's `explain`). */
export type StrategyReason =
  | { readonly kind: 'eft'; readonly alternatives: readonly { f: number; gpu: number; finish: number; energy: number }[] }
  | { readonly kind: 'hybrid_ml'; readonly modelVersion: number | null; readonly predictedF: number | null; readonly f: number; readonly oracleF: number }
  | { readonly kind: 'rl_agent'; readonly epsilon: number; readonly actionValues: readonly { f: number; q: number }[] };

/** What a strategy learns from after its decision ran. */
export interface StrategyFeedback {
  readonly task: Task;
  readonly decision: Decision;
  readonly outcome: Outcome;
  readonly machine: Machine;
  readonly oracle: OracleDecision;
}

/**
 * A scheduling strategy. `decide` may advance the strategy's own random stream; `preview` must
 * return the decision `decide` would return now and change nothing (clone generators).
 */
export interface Strategy {
  readonly name: string;
  decide(task: Task, ctx: StrategyContext): Decision;
  preview(task: Task, ctx: StrategyContext): Decision;
  /**
   * A copy that decides as this one would from now on, on a copy of its random stream, sharing what
   * it learned read-only; the copy is never taught, and deciding with it changes nothing here.
   */
  fork(): Strategy;
  /**
   * Why `preview` would decide as it does now, as plain JSON (changes nothing); optional, for the
   * strategies whose reasons say more than their decision.
   */
  explain?(task: Task, ctx: StrategyContext): StrategyReason;
  /** Online learning after the task ran; optional. */
  learn?(feedback: StrategyFeedback): void;
  /** Everything besides the random stream that determines future decisions, as plain JSON. */
  toJSON(): unknown;
}

/** What the engine hands a strategy: the resolved config, its own random stream and the shared model slot. */
export interface StrategyEnv {
  readonly config: EngineConfig;
  /** The strategy's live generator; the engine saves and restores it. */
  readonly rng: Rng;
  /** A second stream for a learner's own seeds. */
  readonly learnerRng: Rng;
  readonly models: ModelSlot;
}

/** A registration: how to make a strategy fresh or from its saved state. */
export interface StrategyDefinition {
  readonly name: string;
  create(env: StrategyEnv): Strategy;
  restore(state: unknown, env: StrategyEnv): Strategy;
}
