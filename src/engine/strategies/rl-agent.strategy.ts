import type { EngineConfig, RlSpec } from '../config.js';
import { InvalidStateError } from '../errors.js';
import type { Machine } from '../machine/machine.js';
import { DqnAgent } from '../ml/dqn/dqn-agent.js';
import { nextSeed, uniform, uniformInteger, type Rng } from '../random/rng-streams.js';
import type { Task } from '../workload/task.js';
import { expectStrategyState } from './simple-state.js';
import type { Decision, Strategy, StrategyContext, StrategyDefinition, StrategyEnv, StrategyFeedback, StrategyReason } from './strategy.js';

const NAME = 'rl_agent';
// size, intensity, memory, duration, CPU backlog, backlog of the GPU it would use; then every GPU's backlog.
const TASK_AND_CHOSEN_FEATURES = 6;

interface Pending {
  readonly state: number[];
  readonly action: number;
  readonly reward: number;
}

/**
 * DQN over the GPU-fraction bins: the Q-network picks f, the GPU is the one that frees up first.
 * Exploration is ε-greedy here, on the strategy's own stream (so `preview` can clone it), with
 * multiplicative decay; the agent supplies the greedy action, replay, target network and training.
 * A transition is completed by the next task's state, so it is stored (and trained on) one task late.
 */
class RlAgentStrategy implements Strategy {
  readonly name = NAME;
  private readonly state: Float64Array;

  constructor(
    private readonly config: EngineConfig,
    private readonly rng: Rng,
    private readonly agent: DqnAgent,
    private epsilon: number,
    private pending: Pending | null,
  ) {
    this.state = new Float64Array(stateSize(config));
  }

  decide(task: Task, ctx: StrategyContext): Decision {
    this.writeState(task, ctx.machine);
    // Choose before completing the previous transition (which may train the network), so that
    // preview, which must not train, sees the same network.
    const action = this.choose(this.rng);
    if (this.pending !== null) {
      this.agent.observe(this.pending.state, this.pending.action, this.pending.reward, this.state);
      this.pending = null;
    }
    const { epsilonEnd, epsilonDecay } = this.config.rl;
    this.epsilon = Math.max(epsilonEnd, this.epsilon * epsilonDecay);
    this.lastAction = action;
    return { f: this.config.rl.fractionBins[action], gpu: ctx.machine.earliestGpu() };
  }

  preview(task: Task, ctx: StrategyContext): Decision {
    this.writeState(task, ctx.machine);
    return { f: this.config.rl.fractionBins[this.choose(this.rng.clone())], gpu: ctx.machine.earliestGpu() };
  }

  /** The Q-network's value of every GPU-fraction bin for this task now, and the exploration rate. */
  explain(task: Task, ctx: StrategyContext): StrategyReason {
    this.writeState(task, ctx.machine);
    const q = this.agent.predictQ(this.state);
    return { kind: 'rl_agent', epsilon: this.epsilon, actionValues: this.config.rl.fractionBins.map((f, i) => ({ f, q: q[i] })) };
  }

  // The agent is shared: a fork only reads its network (no pending transition, never taught).
  fork(): Strategy {
    return new RlAgentStrategy(this.config, this.rng.clone(), this.agent, this.epsilon, null);
  }

  learn({ task, outcome }: StrategyFeedback): void {
    const { w, completionScale, energyScale, normaliseReward } = this.config.rl;
    const raw = -((1 - w) * (outcome.completionTime / completionScale) + w * (outcome.energy / energyScale));
    const reward = normaliseReward ? raw / task.durationEstimate : raw;
    this.pending = { state: Array.from(this.state), action: this.lastAction, reward };
  }

  toJSON(): unknown {
    return { name: NAME, epsilon: this.epsilon, pending: this.pending, agent: this.agent.toJSON() };
  }

  private lastAction = 0;

  private choose(rng: Rng): number {
    const bins = this.config.rl.fractionBins.length;
    if (uniform(rng) < this.epsilon) return uniformInteger(rng, 0, bins - 1);
    return this.agent.greedyAction(this.state);
  }

  // Task features scaled to about [0, 1]; a backlog (queue time left once the task is ready) enters as
  // b / (b + t): relative to the task's own duration, which is what decides whether queueing is worth it.
  private writeState(task: Task, machine: Machine): void {
    const { workload, rl } = this.config;
    const s = this.state;
    const ready = machine.readyTime(task);
    const t = task.durationEstimate;
    const backlog = (free: number): number => {
      const b = free > ready ? free - ready : 0;
      return b / (b + t);
    };
    s[0] = task.size / workload.maxSize;
    s[1] = task.computeIntensity;
    s[2] = task.memoryRequired / workload.maxMem;
    s[3] = Math.tanh(task.durationEstimate / rl.durationScale);
    s[4] = backlog(machine.cpuFree);
    s[5] = backlog(machine.gpuFree[machine.earliestGpu()]);
    for (let g = 0; g < machine.gpuCount; g++) s[TASK_AND_CHOSEN_FEATURES + g] = backlog(machine.gpuFree[g]);
  }
}

function stateSize(config: EngineConfig): number {
  return TASK_AND_CHOSEN_FEATURES + config.gpus;
}

function create(env: StrategyEnv): Strategy {
  const { rl } = env.config;
  const agent = DqnAgent.create({
    stateSize: stateSize(env.config),
    actions: rl.fractionBins,
    hidden: rl.hidden,
    lr: rl.learningRate,
    gamma: rl.gamma,
    // Exploration is the strategy's (see the class note); the agent only ever acts greedily.
    epsilonStart: 0,
    epsilonEnd: 0,
    replayCapacity: rl.replayCapacity,
    batchSize: rl.batchSize,
    trainEvery: rl.trainEvery,
    targetSync: rl.targetSync,
    seed: nextSeed(env.learnerRng),
  });
  return new RlAgentStrategy(env.config, env.rng, agent, rl.epsilonStart, null);
}

function restore(state: unknown, env: StrategyEnv): Strategy {
  const saved = expectStrategyState(state, NAME);
  const pending = saved.pending as Pending | null;
  if (typeof saved.epsilon !== 'number' || (pending !== null && !Array.isArray(pending?.state))) {
    throw new InvalidStateError('rl_agent state is malformed');
  }
  return new RlAgentStrategy(env.config, env.rng, DqnAgent.load(saved.agent), saved.epsilon, pending);
}

export const RL_AGENT_STRATEGY: StrategyDefinition = { name: NAME, create, restore };

/**
 * Tasks a run has stepped when rl_agent's network takes its first training step: each task's
 * transition is stored at the next task, and the agent trains every trainEvery transitions once its
 * replay holds a batch. Infinity when the replay can never hold one.
 */
export function rlFirstTrainingAt(rl: Pick<RlSpec, 'batchSize' | 'trainEvery' | 'replayCapacity'>): number {
  if (rl.replayCapacity < rl.batchSize) return Infinity;
  return Math.ceil(rl.batchSize / rl.trainEvery) * rl.trainEvery + 1;
}
