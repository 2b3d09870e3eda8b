import type { WorkloadSpec } from '../config.js';
import { exponential, normal, pareto, uniform, uniformInteger, type Rng } from '../random/rng-streams.js';
import { durationEstimate, type Task } from './task.js';

const clip = (v: number, lo: number, hi: number): number => (v < lo ? lo : v > hi ? hi : v);

/**
 * Draws task `index` of the synthetic workload (DESIGN.md "Workload"), arriving after `prevArrival`.
 * Draw order is fixed (arrival, size, intensity, memory, dependencies) so a seed replays exactly.
 */
export function generateTask(rng: Rng, spec: WorkloadSpec, index: number, prevArrival: number): Task {
  const arrivalTime = prevArrival + exponential(rng, spec.arrivalRate);
  const size = Math.min(Math.floor((pareto(rng, spec.paretoShape) + 1) * spec.minSize), spec.maxSize);
  const low = uniform(rng) < spec.lowIntensityProbability;
  const computeIntensity = clip(
    normal(rng, low ? spec.lowIntensityMean : spec.highIntensityMean, spec.intensityStd),
    spec.minIntensity,
    spec.maxIntensity,
  );
  const memoryRequired = clip(
    (size / spec.maxSize) * spec.maxMem + normal(rng, 0, spec.memoryNoiseFraction * spec.maxMem),
    spec.minMem,
    spec.maxMem,
  );
  return {
    id: index,
    size,
    computeIntensity,
    memoryRequired,
    arrivalTime,
    durationEstimate: durationEstimate(size, computeIntensity, spec),
    dependencies: index > 0 && uniform(rng) < spec.dependencyProbability ? drawParents(rng, spec, index) : [],
  };
}

// k ~ U{1..min(maxDependencies, window)} distinct parents among the previous `window` tasks.
function drawParents(rng: Rng, spec: WorkloadSpec, index: number): number[] {
  const window = Math.min(index, spec.dependencyWindow);
  const k = uniformInteger(rng, 1, Math.min(spec.maxDependencies, window));
  const parents: number[] = [];
  while (parents.length < k) {
    const parent = index - uniformInteger(rng, 1, window);
    if (!parents.includes(parent)) parents.push(parent);
  }
  return parents.sort((a, b) => a - b);
}
