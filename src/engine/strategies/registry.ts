import { UnknownStrategyError } from '../errors.js';
import { EFT_STRATEGY } from './eft.strategy.js';
import { GREEDY_STRATEGY } from './greedy.strategy.js';
import { HYBRID_ML_STRATEGY } from './hybrid-ml.strategy.js';
import { ORACLE_STRATEGY } from './oracle.strategy.js';
import { RANDOM_STRATEGY } from './random.strategy.js';
import { RL_AGENT_STRATEGY } from './rl-agent.strategy.js';
import { ROUND_ROBIN_STRATEGY } from './round-robin.strategy.js';
import type { StrategyDefinition } from './strategy.js';

/**
 * Every strategy, by name. Append new ones at the end: the order also fixes which random stream
 * each strategy gets, so appending keeps existing runs reproducible.
 */
export const STRATEGY_DEFINITIONS: readonly StrategyDefinition[] = [
  ROUND_ROBIN_STRATEGY,
  RANDOM_STRATEGY,
  GREEDY_STRATEGY,
  HYBRID_ML_STRATEGY,
  RL_AGENT_STRATEGY,
  ORACLE_STRATEGY,
  EFT_STRATEGY,
];

/** The name of the strategy excluded from wins (it is the benchmark, not a competitor). */
export const ORACLE_STRATEGY_NAME = ORACLE_STRATEGY.name;

/** Names of every registered strategy, in registration order. */
export function strategyNames(): string[] {
  return STRATEGY_DEFINITIONS.map((definition) => definition.name);
}

/**
 * The registration of a strategy.
 * @throws UnknownStrategyError for a name nobody registered.
 */
export function strategyDefinition(name: string): StrategyDefinition {
  const definition = STRATEGY_DEFINITIONS.find((d) => d.name === name);
  if (definition === undefined) throw new UnknownStrategyError(name);
  return definition;
}
