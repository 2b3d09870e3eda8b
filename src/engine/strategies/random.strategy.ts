import { expectStrategyState } from './simple-state.js';
import { uniform, uniformInteger, type Rng } from '../random/rng-streams.js';
import type { Task } from '../workload/task.js';
import type { Decision, Strategy, StrategyContext, StrategyDefinition, StrategyEnv } from './strategy.js';

const NAME = 'random';

/** f ~ U[0, 1), g ~ U{0..n−1}, from the strategy's own stream. */
class RandomStrategy implements Strategy {
  readonly name = NAME;

  constructor(private readonly rng: Rng) {}

  decide(_task: Task, ctx: StrategyContext): Decision {
    return draw(this.rng, ctx.machine.gpuCount);
  }

  preview(_task: Task, ctx: StrategyContext): Decision {
    return draw(this.rng.clone(), ctx.machine.gpuCount);
  }

  fork(): Strategy {
    return new RandomStrategy(this.rng.clone());
  }

  toJSON(): unknown {
    // The generator is the whole state, and the engine saves it with the other streams.
    return { name: NAME };
  }
}

function draw(rng: Rng, gpus: number): Decision {
  const f = uniform(rng);
  return { f, gpu: uniformInteger(rng, 0, gpus - 1) };
}

export const RANDOM_STRATEGY: StrategyDefinition = {
  name: NAME,
  create: (env: StrategyEnv) => new RandomStrategy(env.rng),
  restore: (state, env: StrategyEnv) => {
    expectStrategyState(state, NAME);
    return new RandomStrategy(env.rng);
  },
};
