import type { Task } from '../workload/task.js';

/** A plain task for specs; override what the test is about. */
export function aTask(overrides: Partial<Task> = {}): Task {
  return {
    id: 0,
    size: 2000,
    computeIntensity: 0.8,
    memoryRequired: 800,
    arrivalTime: 1,
    durationEstimate: 2,
    dependencies: [],
    ...overrides,
  };
}
