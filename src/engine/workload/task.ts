import type { WorkloadSpec } from '../config.js';

/** One compute task. Times in simulated seconds, memory in MB. */
export interface Task {
  readonly id: number;
  readonly size: number;
  readonly computeIntensity: number;
  readonly memoryRequired: number;
  readonly arrivalTime: number;
  /** CPU-only duration t of the task. */
  readonly durationEstimate: number;
  /** Ids of parent tasks that must finish before this one may start. */
  readonly dependencies: readonly number[];
}

/** Number of hybrid_ml features. */
export const FEATURE_COUNT = 5;
export const FEATURE_NAMES = ['size', 'compute_intensity', 'memory_required', 'memory_per_size', 'compute_to_memory'] as const;

/** The DESIGN.md duration model: (size/unit)^exp / (intensity + offset). */
export function durationEstimate(
  size: number,
  computeIntensity: number,
  spec: Pick<WorkloadSpec, 'durationSizeUnit' | 'durationExponent' | 'durationIntensityOffset'>,
): number {
  return Math.pow(size / spec.durationSizeUnit, spec.durationExponent) / (computeIntensity + spec.durationIntensityOffset);
}

/**
 * Writes the five hybrid_ml features of a task into `out` (reused to avoid a per-task allocation):
 * size, compute_intensity, memory_required, memory/(size+1), compute_intensity/(memory+1).
 */
export function writeFeatures(task: Task, out: Float64Array | number[], offset = 0): void {
  out[offset] = task.size;
  out[offset + 1] = task.computeIntensity;
  out[offset + 2] = task.memoryRequired;
  out[offset + 3] = task.memoryRequired / (task.size + 1);
  out[offset + 4] = task.computeIntensity / (task.memoryRequired + 1);
}

/** The five hybrid_ml features of a task as a fresh array. */
export function taskFeatures(task: Task): number[] {
  const out = new Array<number>(FEATURE_COUNT);
  writeFeatures(task, out);
  return out;
}
