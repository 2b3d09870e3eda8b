import { expectStrategyState } from './simple-state.js';
import type { Task } from '../workload/task.js';
import type { Decision, Strategy, StrategyContext, StrategyDefinition } from './strategy.js';

const NAME = 'greedy';

/** f = compute_intensity on the GPU that frees up first. */
class GreedyStrategy implements Strategy {
  readonly name = NAME;

  decide(task: Task, ctx: StrategyContext): Decision {
    return { f: task.computeIntensity, gpu: ctx.machine.earliestGpu() };
  }

  preview(task: Task, ctx: StrategyContext): Decision {
    return this.decide(task, ctx);
  }

  // Nothing of its own changes as it decides.
  fork(): Strategy {
    return this;
  }

  toJSON(): unknown {
    return { name: NAME };
  }
}

export const GREEDY_STRATEGY: StrategyDefinition = {
  name: NAME,
  create: () => new GreedyStrategy(),
  restore: (state) => {
    expectStrategyState(state, NAME);
    return new GreedyStrategy();
  },
};
