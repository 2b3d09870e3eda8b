import type { MachineSpec } from '../config.js';
import type { Machine } from '../machine/machine.js';
import { gpuSpeedup, transferTime } from '../machine/oracle.js';
import type { Task } from '../workload/task.js';
import { expectStrategyState } from './simple-state.js';
import type { Decision, Strategy, StrategyContext, StrategyDefinition, StrategyEnv, StrategyReason } from './strategy.js';

const NAME = 'eft';
/** How many of the best (f, GPU) pairs `explain` lists. */
const EXPLAINED_ALTERNATIVES = 5;

/** The grid 0, step, 2·step … 1; exact multiples when 1/step is an integer. */
export function fractionGrid(step: number): Float64Array {
  const k = Math.round(1 / step);
  if (Math.abs(k * step - 1) < 1e-9) return Float64Array.from({ length: k + 1 }, (_, i) => i / k);
  const n = Math.ceil(1 / step);
  return Float64Array.from({ length: n + 1 }, (_, i) => Math.min(1, i * step));
}

/**
 * Earliest finish time (the online form of HEFT): tries every GPU × every f of the grid against
 * the current queues and keeps the earliest finish, ties going to less energy, then to the
 * smaller f and lower GPU (the scan order). The arithmetic mirrors Machine.evaluate exactly.
 */
class EftStrategy implements Strategy {
  readonly name = NAME;

  private readonly speedups: Float64Array;

  constructor(
    private readonly spec: MachineSpec,
    private readonly grid: Float64Array,
    gpus: number,
  ) {
    this.speedups = new Float64Array(gpus);
  }

  decide(task: Task, ctx: StrategyContext): Decision {
    let bestFinish = Infinity;
    let bestEnergy = Infinity;
    let bestF = 0;
    let bestGpu = 0;
    this.scan(task, ctx.machine, (f, gpu, finish, energy) => {
      if (finish < bestFinish || (finish === bestFinish && energy < bestEnergy)) {
        bestFinish = finish;
        bestEnergy = energy;
        bestF = f;
        bestGpu = gpu;
      }
    });
    return { f: bestF, gpu: bestGpu };
  }

  preview(task: Task, ctx: StrategyContext): Decision {
    return this.decide(task, ctx);
  }

  /** The best EXPLAINED_ALTERNATIVES (f, GPU) pairs of the scan, earliest finish first (ties: less energy). */
  explain(task: Task, ctx: StrategyContext): StrategyReason {
    const all: { f: number; gpu: number; finish: number; energy: number }[] = [];
    this.scan(task, ctx.machine, (f, gpu, finish, energy) => all.push({ f, gpu, finish, energy }));
    // A stable sort keeps the scan order on full ties, as decide does.
    all.sort((a, b) => a.finish - b.finish || a.energy - b.energy);
    return { kind: 'eft', alternatives: all.slice(0, EXPLAINED_ALTERNATIVES) };
  }

  /**
   * Visits every candidate in scan order: f = 0 (the CPU alone, whatever the GPU: the earliest
   * free one), then each f > 0 of the grid on each GPU, with its finish time and energy.
   */
  private scan(task: Task, machine: Machine, visit: (f: number, gpu: number, finish: number, energy: number) => void): void {
    const ready = machine.readyTime(task);
    const t = task.durationEstimate;
    // Each GPU's speedup (they differ only with machine.gpuSpeeds).
    const speedups = this.speedups;
    for (let g = 0; g < speedups.length; g++) speedups[g] = gpuSpeedup(task, this.spec, g);
    const c = transferTime(task, this.spec);
    const cpuStart = ready > machine.cpuFree ? ready : machine.cpuFree;
    const { cpuPowerW, gpuPowerW } = this.spec;
    visit(0, machine.earliestGpu(), cpuStart + t, cpuPowerW * t);
    const grid = this.grid;
    for (let i = 1; i < grid.length; i++) {
      const f = grid[i];
      const cpuPart = (1 - f) * t;
      const cpuEnd = cpuStart + cpuPart;
      for (let g = 0; g < machine.gpuFree.length; g++) {
        const gpuPart = (f * t) / speedups[g] + c;
        const energy = cpuPowerW * cpuPart + gpuPowerW * gpuPart;
        const free = machine.gpuFree[g];
        const gpuEnd = (ready > free ? ready : free) + gpuPart;
        visit(f, g, cpuPart > 0 && cpuEnd > gpuEnd ? cpuEnd : gpuEnd, energy);
      }
    }
  }

  // Nothing of its own changes as it decides.
  fork(): Strategy {
    return this;
  }

  toJSON(): unknown {
    return { name: NAME };
  }
}

function create(env: StrategyEnv): Strategy {
  return new EftStrategy(env.config.machine, fractionGrid(env.config.eft.fractionStep), env.config.gpus);
}

export const EFT_STRATEGY: StrategyDefinition = {
  name: NAME,
  create,
  restore: (state, env) => {
    expectStrategyState(state, NAME);
    return create(env);
  },
};
