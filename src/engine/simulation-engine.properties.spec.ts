import fc from 'fast-check';
import type { Outcome } from './machine/machine.js';
import { gpuSpeedup, transferTime } from './machine/oracle.js';
import { SimulationEngine } from './simulation-engine.js';
import { parseTraceRecords } from './workload/trace.js';
import type { Task } from './workload/task.js';

// Floating-point identities hold to 1e-9 of the largest magnitude involved: an absolute time such
// as finishTime carries about 1e-16 of itself in rounding, which a short task's completion inherits.
const RELATIVE_TOLERANCE = 1e-9;
function expectNear(actual: number, expected: number, ...scale: number[]): void {
  const magnitude = Math.max(1, Math.abs(actual), Math.abs(expected), ...scale.map(Math.abs));
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(RELATIVE_TOLERANCE * magnitude);
}

// Runs tasks through every strategy and checks DESIGN.md's machine invariants on every outcome.
function checkRun(sut: SimulationEngine, tasks: readonly Task[]): void {
  const { machine: spec } = sut.config;
  const finish = new Map<string, Map<number, number>>();
  const busy = new Map<string, [number, number][]>();
  const book = (key: string, start: number | null, length: number): void => {
    if (start === null) return;
    const intervals = busy.get(key) ?? [];
    intervals.push([start, start + length]);
    busy.set(key, intervals);
  };
  for (const task of tasks) {
    const { oracle, outcomes } = sut.step(task);
    for (const [name, o] of Object.entries(outcomes) as [string, Outcome][]) {
      const finishes = finish.get(name) ?? new Map<number, number>();
      finish.set(name, finishes);
      const ready = Math.max(task.arrivalTime, ...task.dependencies.map((d) => finishes.get(d) as number));
      const t = task.durationEstimate;
      const cpuPart = (1 - o.gpuFraction) * t;
      const gpuPart = o.gpuFraction > 0 ? (o.gpuFraction * t) / gpuSpeedup(task, spec) + transferTime(task, spec) : 0;

      expect(o.execTime).toBeGreaterThanOrEqual(oracle.optimalTime);
      expect(o.startTime).toBeGreaterThanOrEqual(ready);
      for (const start of [o.cpuStartTime, o.gpuStartTime]) if (start !== null) expect(start).toBeGreaterThanOrEqual(ready);
      // A wait is never negative, not even by a rounding error, and a task never completes faster than it runs.
      expect(o.waitTime).toBeGreaterThanOrEqual(0);
      expect(o.completionTime).toBeGreaterThanOrEqual(o.execTime);
      expect(o.finishTime).toBeGreaterThanOrEqual(o.startTime);
      expectNear(o.completionTime, o.finishTime - task.arrivalTime, o.finishTime, task.arrivalTime);
      expectNear(o.completionTime, o.waitTime + o.execTime);
      expect(o.execTime).toBe(Math.max(cpuPart, gpuPart));
      expect(o.energy).toBeCloseTo(spec.cpuPowerW * cpuPart + spec.gpuPowerW * gpuPart, 9);
      expect(o.cost).toBeCloseTo(spec.cpuRatePerS * cpuPart + spec.gpuRatePerS * gpuPart, 12);
      book(`${name}/cpu`, o.cpuStartTime, cpuPart);
      book(`${name}/gpu${o.gpuId}`, o.gpuStartTime, gpuPart);
      finishes.set(task.id, o.finishTime);
    }
  }
  for (const intervals of busy.values()) {
    intervals.sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < intervals.length; i++) expect(intervals[i][0]).toBeGreaterThanOrEqual(intervals[i - 1][1]);
  }
  for (const name of sut.strategyNames) {
    const { cpu, gpus } = sut.utilization(name);
    for (const u of [cpu, ...gpus]) {
      expect(u).toBeGreaterThanOrEqual(0);
      expect(u).toBeLessThanOrEqual(1);
    }
  }
}

describe('SimulationEngine machine invariants', () => {
  it('hold on random generated workloads', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.integer({ min: 1, max: 6 }),
        fc.double({ min: 0.5, max: 20, noNaN: true }),
        (seed, gpus, arrivalRate) => {
          const sut = SimulationEngine.create({ seed, gpus, workload: { arrivalRate }, learning: { retrainInterval: 40, minSamples: 20 } });
          checkRun(sut, Array.from({ length: 120 }, () => sut.nextTask()));
        },
      ),
      { numRuns: 12, seed: 1 },
    );
  });

  it('never give a negative wait, over many seeds and far into simulated time', () => {
    // Plain comparisons rather than one expect per outcome keep 100 seeds × 200 tasks quick.
    const near = (a: number, b: number, ...scale: number[]): boolean => Math.abs(a - b) <= RELATIVE_TOLERANCE * Math.max(1, Math.abs(a), Math.abs(b), ...scale.map(Math.abs));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.integer({ min: 1, max: 8 }), fc.double({ min: 0.2, max: 50, noNaN: true }), (seed, gpus, arrivalRate) => {
        const sut = SimulationEngine.create({ seed, gpus, workload: { arrivalRate }, strategies: ['round_robin', 'random', 'greedy', 'oracle'] });
        for (let i = 0; i < 200; i++) {
          const task = sut.nextTask();
          for (const o of Object.values(sut.step(task).outcomes) as Outcome[]) {
            const holds =
              o.waitTime >= 0 &&
              o.completionTime >= o.execTime &&
              near(o.completionTime, o.waitTime + o.execTime) &&
              near(o.completionTime, o.finishTime - task.arrivalTime, o.finishTime, task.arrivalTime);
            if (!holds) return false;
          }
        }
        return true;
      }),
      { numRuns: 100, seed: 7 },
    );
  });

  it('hold on random traces with arbitrary dependencies', () => {
    const record = fc.record({
      size: fc.double({ min: 1, max: 20000, noNaN: true }),
      compute_intensity: fc.double({ min: 0, max: 1, noNaN: true }),
      memory_required: fc.double({ min: 0, max: 8000, noNaN: true }),
      arrival_time: fc.oneof(fc.double({ min: 0, max: 50, noNaN: true }), fc.double({ min: 1e5, max: 1e7, noNaN: true })),
      parents: fc.array(fc.nat(), { maxLength: 4 }),
    });
    fc.assert(
      fc.property(fc.array(record, { minLength: 1, maxLength: 60 }), fc.integer({ min: 1, max: 4 }), (rows, gpus) => {
        // Parents only among earlier rows keeps the graph acyclic; arrival order may still put them later.
        const records = rows.map(({ parents, ...fields }, i) => ({ ...fields, task_id: i * 3, dependencies: i === 0 ? [] : [...new Set(parents.map((p) => (p % i) * 3))] }));
        const sut = SimulationEngine.create({ gpus, dependencies: { retention: 'all' } });
        checkRun(sut, parseTraceRecords(records));
      }),
      { numRuns: 25, seed: 2 },
    );
  });
});
