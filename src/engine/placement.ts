// What the strategies would do with a task, asked without stepping it: the engine's state is never
// changed here.
import type { EngineConfig } from './config.js';
import type { PlacementResult } from './engine-state.js';
import { checkedDecision, type Lane } from './lane.js';
import { Machine, type Outcome } from './machine/machine.js';
import { oracleDecision } from './machine/oracle.js';
import type { StrategyReason } from './strategies/strategy.js';
import type { Task } from './workload/task.js';

/** Every lane's decision for `task` on its current machine (SimulationEngine.placement). */
export function placeTask(lanes: readonly Lane[], task: Task, config: EngineConfig): PlacementResult {
  const oracle = oracleDecision(task, config.machine);
  const placements: Record<string, Outcome> = {};
  for (const lane of lanes) {
    const decision = checkedDecision(lane.name, lane.strategy.preview(task, { machine: lane.machine, oracle }), config);
    placements[lane.name] = lane.machine.evaluate(task, decision.f, decision.gpu);
  }
  return { task, oracle, placements };
}

/** Why each lane whose strategy can say so would place `task` as placeTask does (SimulationEngine.reasons). */
export function placementReasons(lanes: readonly Lane[], task: Task, config: EngineConfig): Record<string, StrategyReason> {
  const oracle = oracleDecision(task, config.machine);
  const out: Record<string, StrategyReason> = {};
  for (const lane of lanes) if (lane.strategy.explain) out[lane.name] = lane.strategy.explain(task, { machine: lane.machine, oracle });
  return out;
}

/**
 * Every lane's decisions for `tasks` placed one after another, each lane on a throwaway copy of its
 * strategy and machine (SimulationEngine.placementSequence).
 */
export function placeSequence(lanes: readonly Lane[], tasks: readonly Task[], config: EngineConfig): PlacementResult[] {
  const forks = lanes.map((lane) => ({ name: lane.name, strategy: lane.strategy.fork(), machine: Machine.restore(config.machine, lane.machine.toJSON()) }));
  return tasks.map((task) => {
    const oracle = oracleDecision(task, config.machine);
    const placements: Record<string, Outcome> = {};
    for (const fork of forks) {
      const decision = checkedDecision(fork.name, fork.strategy.decide(task, { machine: fork.machine, oracle }), config);
      placements[fork.name] = fork.machine.run(task, decision.f, decision.gpu);
    }
    return { task, oracle, placements };
  });
}
