import type { MachineSpec } from '../config.js';
import type { Task } from '../workload/task.js';

/** The oracle's label for a task: the exec-time minimising GPU fraction and that minimum. */
export interface OracleDecision {
  readonly gpuFraction: number;
  readonly optimalTime: number;
}

/** The speed multiplier of GPU `gpu` (machine.gpuSpeeds; 1 when they are not set). */
export function gpuSpeedOf(spec: MachineSpec, gpu: number): number {
  return spec.gpuSpeeds.length > 0 ? spec.gpuSpeeds[gpu] : 1;
}

/** The fastest GPU's speed multiplier (1 when machine.gpuSpeeds is not set). */
export function fastestGpuSpeed(spec: MachineSpec): number {
  return spec.gpuSpeeds.length > 0 ? Math.max(...spec.gpuSpeeds) : 1;
}

/**
 * GPU speedup s = (1 + k · compute_intensity) · m, m the speed multiplier of GPU `gpu`
 * (machine.gpuSpeeds; the fastest GPU's when `gpu` is omitted, as for the oracle). The one place the
 * multiplier enters the model; with the default multipliers (1) s is exactly 1 + k · compute_intensity.
 */
export function gpuSpeedup(task: Task, spec: MachineSpec, gpu?: number): number {
  return (1 + spec.gpuSpeedupPerIntensity * task.computeIntensity) * (gpu === undefined ? fastestGpuSpeed(spec) : gpuSpeedOf(spec, gpu));
}

/** Host-to-GPU transfer time c = memory / bandwidth. */
export function transferTime(task: Task, spec: MachineSpec): number {
  return task.memoryRequired / spec.bandwidthMBps;
}

const scratch = new Float64Array(1);
const scratchBits = new BigInt64Array(scratch.buffer);

// The adjacent double of a positive x, up or down.
function adjacent(x: number, up: boolean): number {
  scratch[0] = x;
  scratchBits[0] += up ? 1n : -1n;
  return scratch[0];
}

/**
 * The exact minimiser of exec_time = max((1−f)·t, f·t/s + c) over f ∈ [0, 1]: the CPU part falls and
 * the GPU part rises with f, so the optimum is where they meet, f* = s(t − c) / (t(1 + s)),
 * unless the transfer alone outlasts the CPU run (c ≥ t), where f* = 0.
 *
 * Rounding can leave max(cpu, gpu) at the computed f* one ulp above the value at a neighbouring
 * double, so the search steps ulp by ulp until each side's own part dominates; every operation is
 * monotone under rounding, so no double f anywhere gives a smaller exec_time than the result.
 */
export function oracleDecision(task: Task, spec: MachineSpec): OracleDecision {
  const t = task.durationEstimate;
  const s = gpuSpeedup(task, spec);
  const c = transferTime(task, spec);
  if (c >= t) return { gpuFraction: 0, optimalTime: t };
  const cpu = (f: number): number => (1 - f) * t;
  const gpu = (f: number): number => (f * t) / s + c;
  let bestF = (s * (t - c)) / (t * (1 + s));
  let best = Math.max(cpu(bestF), gpu(bestF));
  for (const up of [false, true]) {
    let f = bestF;
    for (let k = 0; k < 64 && (up ? gpu(f) < cpu(f) && f < 1 : cpu(f) < gpu(f) && f > 0); k++) {
      f = adjacent(f, up);
      const exec = Math.max(cpu(f), gpu(f));
      if (exec < best) {
        best = exec;
        bestF = f;
      }
    }
  }
  return { gpuFraction: bestF, optimalTime: best };
}
