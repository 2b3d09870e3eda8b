import type { MachineSpec } from '../config.js';
import { InvalidStateError, UnknownDependencyError } from '../errors.js';
import type { Task } from '../workload/task.js';
import { FinishTimes, type FinishTimesState } from './finish-times.js';
import { gpuSpeedup, transferTime } from './oracle.js';

/** What running one task with one decision gives on one strategy's machine. */
export interface Outcome {
  readonly gpuFraction: number;
  readonly cpuFraction: number;
  /** null when the GPU is not used (f = 0). */
  readonly gpuId: number | null;
  /** The earlier of the used parts' starts. */
  readonly startTime: number;
  /** Start of the CPU part, null when f = 1. */
  readonly cpuStartTime: number | null;
  /** Start of the GPU part, null when f = 0. */
  readonly gpuStartTime: number | null;
  readonly finishTime: number;
  readonly execTime: number;
  readonly waitTime: number;
  readonly completionTime: number;
  readonly energy: number;
  readonly cost: number;
}

/** Per-device utilisation: busy time / elapsed simulated time. */
export interface Utilization {
  readonly cpu: number;
  readonly gpus: number[];
  readonly average: number;
  readonly elapsed: number;
}

export interface MachineState {
  readonly cpuFree: number;
  readonly gpuFree: number[];
  readonly cpuBusy: number;
  readonly gpuBusy: number[];
  readonly origin: number | null;
  readonly horizon: number;
  readonly finishTimes: FinishTimesState;
}

/**
 * One strategy's copy of the machine: one CPU and N GPUs, each a FIFO queue summarised by the
 * time it next becomes free (DESIGN.md "Machine"). The CPU and GPU parts of a task run concurrently.
 */
export class Machine {
  private constructor(
    private readonly spec: MachineSpec,
    /** Time the CPU's queue drains. */
    public cpuFree: number,
    /** Time each GPU's queue drains (read-only for strategies). */
    readonly gpuFree: Float64Array,
    private cpuBusy: number,
    private readonly gpuBusy: Float64Array,
    // Start of simulated time (first arrival) and the latest arrival or finish seen.
    private origin: number,
    private horizon: number,
    private readonly finishTimes: FinishTimes,
  ) {}

  /** An idle machine with `gpus` GPUs. */
  static create(spec: MachineSpec, gpus: number, retention: 'window' | 'all', window: number): Machine {
    return new Machine(spec, 0, new Float64Array(gpus), 0, new Float64Array(gpus), Number.NaN, 0, FinishTimes.create(retention, window));
  }

  static restore(spec: MachineSpec, state: MachineState): Machine {
    if (!Array.isArray(state?.gpuFree) || !Array.isArray(state.gpuBusy) || state.gpuFree.length !== state.gpuBusy.length) {
      throw new InvalidStateError('machine state is malformed');
    }
    return new Machine(
      spec,
      state.cpuFree,
      Float64Array.from(state.gpuFree),
      state.cpuBusy,
      Float64Array.from(state.gpuBusy),
      state.origin ?? Number.NaN,
      state.horizon,
      FinishTimes.restore(state.finishTimes),
    );
  }

  get gpuCount(): number {
    return this.gpuFree.length;
  }

  /** The GPU whose queue drains first (lowest index on ties). */
  earliestGpu(): number {
    let best = 0;
    for (let g = 1; g < this.gpuFree.length; g++) if (this.gpuFree[g] < this.gpuFree[best]) best = g;
    return best;
  }

  /** max(arrival, finish of every parent on this machine). */
  readyTime(task: Task): number {
    let ready = task.arrivalTime;
    for (const parent of task.dependencies) {
      const finish = this.finishTimes.get(parent);
      if (finish === undefined) throw new UnknownDependencyError(task.id, parent);
      if (finish > ready) ready = finish;
    }
    return ready;
  }

  /** The outcome of running `task` with GPU fraction `f` on GPU `gpu`, without changing anything. */
  evaluate(task: Task, f: number, gpu: number, ready = this.readyTime(task)): Outcome {
    this.place(task, f, gpu, ready);
    const usesCpu = this.cpuPart > 0;
    const usesGpu = this.gpuPart > 0;
    const cpuEnd = this.cpuStart + this.cpuPart;
    const gpuEnd = this.gpuStart + this.gpuPart;
    // Only the devices a task uses count for its start and finish.
    const startTime = usesCpu && usesGpu ? Math.min(this.cpuStart, this.gpuStart) : usesCpu ? this.cpuStart : this.gpuStart;
    const finishTime = usesCpu && usesGpu ? Math.max(cpuEnd, gpuEnd) : usesCpu ? cpuEnd : gpuEnd;
    const execTime = this.cpuPart > this.gpuPart ? this.cpuPart : this.gpuPart;
    // Measured from arrival, part by part: (start − arrival) + part is never below the part in
    // floating point, so completion ≥ exec and the wait is never negative, whereas
    // finishTime − arrival loses a rounding error of finishTime's size and gave waits like −4.7e-19.
    const cpuDone = usesCpu ? this.cpuStart - task.arrivalTime + this.cpuPart : 0;
    const gpuDone = usesGpu ? this.gpuStart - task.arrivalTime + this.gpuPart : 0;
    const completionTime = cpuDone > gpuDone ? cpuDone : gpuDone;
    return {
      gpuFraction: f,
      cpuFraction: 1 - f,
      gpuId: usesGpu ? gpu : null,
      startTime,
      cpuStartTime: usesCpu ? this.cpuStart : null,
      gpuStartTime: usesGpu ? this.gpuStart : null,
      finishTime,
      execTime,
      waitTime: completionTime - execTime,
      completionTime,
      energy: this.spec.cpuPowerW * this.cpuPart + this.spec.gpuPowerW * this.gpuPart,
      cost: this.spec.cpuRatePerS * this.cpuPart + this.spec.gpuRatePerS * this.gpuPart,
    };
  }

  /** Runs `task`: evaluates it, then books each used device until its part ends. */
  run(task: Task, f: number, gpu: number): Outcome {
    const outcome = this.evaluate(task, f, gpu);
    if (this.cpuPart > 0) {
      this.cpuFree = this.cpuStart + this.cpuPart;
      this.cpuBusy += this.cpuPart;
    }
    if (this.gpuPart > 0) {
      this.gpuFree[gpu] = this.gpuStart + this.gpuPart;
      this.gpuBusy[gpu] += this.gpuPart;
    }
    this.finishTimes.set(task.id, outcome.finishTime);
    if (Number.isNaN(this.origin)) this.origin = task.arrivalTime;
    if (outcome.finishTime > this.horizon) this.horizon = outcome.finishTime;
    return outcome;
  }

  /** Busy time the last task run or evaluated takes on the CPU (0 when f = 1). */
  get lastCpuPart(): number {
    return this.cpuPart;
  }

  /** Busy time the last task run or evaluated takes on its GPU (transfer included; 0 when f = 0). */
  get lastGpuPart(): number {
    return this.gpuPart;
  }

  // Scratch of the last placement, kept on the instance so the hot path allocates nothing.
  private cpuPart = 0;
  private gpuPart = 0;
  private cpuStart = 0;
  private gpuStart = 0;

  private place(task: Task, f: number, gpu: number, ready: number): void {
    const t = task.durationEstimate;
    this.cpuPart = (1 - f) * t;
    this.gpuPart = f > 0 ? (f * t) / gpuSpeedup(task, this.spec, gpu) + transferTime(task, this.spec) : 0;
    this.cpuStart = ready > this.cpuFree ? ready : this.cpuFree;
    const gpuFree = this.gpuFree[gpu];
    this.gpuStart = ready > gpuFree ? ready : gpuFree;
  }

  /** Busy time over elapsed simulated time (first arrival to the latest arrival or finish), per device. */
  utilization(): Utilization {
    const elapsed = Number.isNaN(this.origin) ? 0 : this.horizon - this.origin;
    const share = (busy: number): number => (elapsed > 0 ? Math.min(1, busy / elapsed) : 0);
    const gpus = Array.from(this.gpuBusy, share);
    const cpu = share(this.cpuBusy);
    return { cpu, gpus, average: (cpu + gpus.reduce((a, b) => a + b, 0)) / (gpus.length + 1), elapsed };
  }

  toJSON(): MachineState {
    return {
      cpuFree: this.cpuFree,
      gpuFree: Array.from(this.gpuFree),
      cpuBusy: this.cpuBusy,
      gpuBusy: Array.from(this.gpuBusy),
      origin: Number.isNaN(this.origin) ? null : this.origin,
      horizon: this.horizon,
      finishTimes: this.finishTimes.toJSON(),
    };
  }
}
