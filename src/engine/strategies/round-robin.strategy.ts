import type { Decision, Strategy, StrategyContext, StrategyDefinition } from './strategy.js';
import { expectStrategyState } from './simple-state.js';
import type { Task } from '../workload/task.js';

const NAME = 'round_robin';

/** Rotates over [CPU, GPU0 … GPUn−1] in arrival order: CPU ⇒ f = 0, GPU k ⇒ f = 1 on GPU k. */
class RoundRobinStrategy implements Strategy {
  readonly name = NAME;

  constructor(private turn: number) {}

  decide(task: Task, ctx: StrategyContext): Decision {
    const decision = this.preview(task, ctx);
    this.turn = (this.turn + 1) % (ctx.machine.gpuCount + 1);
    return decision;
  }

  preview(_task: Task, ctx: StrategyContext): Decision {
    const slot = this.turn % (ctx.machine.gpuCount + 1);
    return slot === 0 ? { f: 0, gpu: 0 } : { f: 1, gpu: slot - 1 };
  }

  fork(): Strategy {
    return new RoundRobinStrategy(this.turn);
  }

  toJSON(): unknown {
    return { name: NAME, turn: this.turn };
  }
}

export const ROUND_ROBIN_STRATEGY: StrategyDefinition = {
  name: NAME,
  create: () => new RoundRobinStrategy(0),
  restore: (state) => new RoundRobinStrategy(Number(expectStrategyState(state, NAME).turn) || 0),
};
