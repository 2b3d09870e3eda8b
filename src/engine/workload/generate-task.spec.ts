import { DEFAULT_ENGINE_CONFIG } from '../config.js';
import { RngStreams } from '../random/rng-streams.js';
import { generateTask } from './generate-task.js';
import { durationEstimate, type Task } from './task.js';

const spec = DEFAULT_ENGINE_CONFIG.workload;

function stream(seed: number, count: number): Task[] {
  const rng = RngStreams.fromSeed(seed, ['workload']).get('workload');
  const tasks: Task[] = [];
  let prev = 0;
  for (let i = 0; i < count; i++) {
    const task = generateTask(rng, spec, i, prev);
    prev = task.arrivalTime;
    tasks.push(task);
  }
  return tasks;
}

describe(generateTask.name, () => {
  const tasks = stream(42, 5000);

  it('replays the same stream from the same seed', () => {
    expect(stream(42, 100)).toEqual(tasks.slice(0, 100));
    expect(stream(43, 100)).not.toEqual(tasks.slice(0, 100));
  });

  it('keeps every field within its DESIGN.md range', () => {
    for (const task of tasks) {
      expect(Number.isInteger(task.size) && task.size >= spec.minSize && task.size <= spec.maxSize).toBe(true);
      expect(task.computeIntensity).toBeGreaterThanOrEqual(spec.minIntensity);
      expect(task.computeIntensity).toBeLessThanOrEqual(spec.maxIntensity);
      expect(task.memoryRequired).toBeGreaterThanOrEqual(spec.minMem);
      expect(task.memoryRequired).toBeLessThanOrEqual(spec.maxMem);
      expect(task.durationEstimate).toBe(durationEstimate(task.size, task.computeIntensity, spec));
    }
  });

  it('draws arrivals at the configured rate, in order', () => {
    const last = tasks[tasks.length - 1];

    expect(tasks.every((task, i) => i === 0 || task.arrivalTime > tasks[i - 1].arrivalTime)).toBe(true);
    expect(last.arrivalTime / tasks.length).toBeCloseTo(1 / spec.arrivalRate, 1);
  });

  it('draws up to three distinct parents among the previous 50 tasks for about 20% of tasks', () => {
    const withParents = tasks.filter((task) => task.dependencies.length > 0);

    expect(tasks[0].dependencies).toEqual([]);
    expect(withParents.length / tasks.length).toBeCloseTo(spec.dependencyProbability, 1);
    for (const task of withParents) {
      expect(task.dependencies.length).toBeLessThanOrEqual(spec.maxDependencies);
      expect(new Set(task.dependencies).size).toBe(task.dependencies.length);
      expect(task.dependencies.every((p) => p < task.id && p >= task.id - spec.dependencyWindow)).toBe(true);
    }
  });

  it('mixes low and high compute intensities about 30/70', () => {
    const low = tasks.filter((task) => task.computeIntensity < 0.5).length / tasks.length;

    expect(low).toBeCloseTo(spec.lowIntensityProbability, 1);
  });
});
