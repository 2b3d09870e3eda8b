import type { ModelSlot } from '../learning/model-slot.js';
import { FEATURE_COUNT, writeFeatures, type Task } from '../workload/task.js';
import { expectStrategyState } from './simple-state.js';
import type { Decision, Strategy, StrategyContext, StrategyDefinition, StrategyEnv, StrategyReason } from './strategy.js';

const NAME = 'hybrid_ml';

/**
 * f = clip(model(features)) on the GPU that frees up first; greedy (f = compute_intensity) until
 * a model exists. The model lives in the engine's slot: the engine fits or installs it between
 * tasks, never on this hot path.
 */
class HybridMlStrategy implements Strategy {
  readonly name = NAME;
  // Reused feature buffer: predicting allocates nothing.
  private readonly features = new Float64Array(FEATURE_COUNT);

  constructor(private readonly models: ModelSlot) {}

  decide(task: Task, ctx: StrategyContext): Decision {
    const model = this.models.current;
    if (model === null) return { f: task.computeIntensity, gpu: ctx.machine.earliestGpu() };
    writeFeatures(task, this.features);
    const raw = model.predict(this.features);
    const f = raw < 0 ? 0 : raw > 1 ? 1 : raw;
    return { f, gpu: ctx.machine.earliestGpu() };
  }

  preview(task: Task, ctx: StrategyContext): Decision {
    return this.decide(task, ctx);
  }

  /** The model's raw prediction of f (null before the first model), the f it uses, and the oracle's f. */
  explain(task: Task, ctx: StrategyContext): StrategyReason {
    const model = this.models.current;
    let predictedF: number | null = null;
    if (model !== null) {
      writeFeatures(task, this.features);
      predictedF = model.predict(this.features);
    }
    return { kind: 'hybrid_ml', modelVersion: this.models.info?.version ?? null, predictedF, f: this.decide(task, ctx).f, oracleF: ctx.oracle.gpuFraction };
  }

  // Nothing of its own changes as it decides.
  fork(): Strategy {
    return this;
  }

  toJSON(): unknown {
    // The model is saved by the engine with its slot.
    return { name: NAME };
  }
}

export const HYBRID_ML_STRATEGY: StrategyDefinition = {
  name: NAME,
  create: (env: StrategyEnv) => new HybridMlStrategy(env.models),
  restore: (state, env: StrategyEnv) => {
    expectStrategyState(state, NAME);
    return new HybridMlStrategy(env.models);
  },
};
