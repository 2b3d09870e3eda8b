import type { EngineConfig } from './config.js';
import { EngineError } from './errors.js';
import type { Machine } from './machine/machine.js';
import type { StrategyStats } from './stats/strategy-stats.js';
import type { Decision, Strategy } from './strategies/strategy.js';

/** One configured strategy as the engine runs it: on its own machine, with its own statistics. */
export interface Lane {
  readonly name: string;
  readonly strategy: Strategy;
  readonly machine: Machine;
  readonly stats: StrategyStats;
  /** Whether its outcomes take part in a step's winners (the oracle's do not). */
  readonly competes: boolean;
  /** Wall time spent on it (with the engine's `profile` option only). */
  elapsedMs: number;
}

/**
 * `decision`, once it is one the machine can run: a fraction in [0, 1] and one of the config's GPUs.
 * @throws EngineError (SIMULATION.INVALID_DECISION) naming the strategy otherwise.
 */
export function checkedDecision(strategy: string, decision: Decision, config: EngineConfig): Decision {
  const { f, gpu } = decision;
  if (!(f >= 0 && f <= 1) || !Number.isInteger(gpu) || gpu < 0 || gpu >= config.gpus) {
    throw new EngineError('SIMULATION.INVALID_DECISION', `Strategy "${strategy}" decided f=${f}, gpu=${gpu}`);
  }
  return decision;
}
