import { expectStrategyState } from './simple-state.js';
import type { Task } from '../workload/task.js';
import type { Decision, Strategy, StrategyContext, StrategyDefinition } from './strategy.js';

const NAME = 'oracle';

/** f = f*, the exact exec-time minimiser, on the GPU that frees up first. */
class OracleStrategy implements Strategy {
  readonly name = NAME;

  decide(_task: Task, ctx: StrategyContext): Decision {
    return { f: ctx.oracle.gpuFraction, gpu: ctx.machine.earliestGpu() };
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

export const ORACLE_STRATEGY: StrategyDefinition = {
  name: NAME,
  create: () => new OracleStrategy(),
  restore: (state) => {
    expectStrategyState(state, NAME);
    return new OracleStrategy();
  },
};
