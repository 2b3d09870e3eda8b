import { DEFAULT_ENGINE_CONFIG } from '../config.js';
import { Machine } from '../machine/machine.js';
import { gpuSpeedup, oracleDecision } from '../machine/oracle.js';
import { SimulationEngine } from '../simulation-engine.js';
import { aTask } from '../testing/task.factory.js';
import { StrategyStats } from './strategy-stats.js';

const spec = DEFAULT_ENGINE_CONFIG.machine;

describe('machine.gpuSpeeds (mixed GPU types)', () => {
  it('divides a GPU part by its GPU multiplier and leaves the transfer as it is', () => {
    const mixed = Machine.create({ ...spec, gpuSpeeds: [1, 2] }, 2, 'window', 50);
    // t = 2, s = 3.4, c = 0.05: f = 1 on GPU 1 runs 2/(3.4·2) + 0.05.
    const outcome = mixed.run(aTask(), 1, 1);

    expect(outcome.execTime).toBeCloseTo(2 / 6.8 + 0.05, 12);
    expect(mixed.run(aTask({ id: 1 }), 1, 0).execTime).toBeCloseTo(2 / 3.4 + 0.05, 12);
  });

  it('is exactly the reference speedup with the default (empty) multipliers', () => {
    const task = aTask({ computeIntensity: 0.37 });

    expect(gpuSpeedup(task, spec, 3)).toBe(1 + 3 * 0.37);
    expect(gpuSpeedup(task, spec)).toBe(1 + 3 * 0.37);
  });

  it('gives the oracle the fastest GPU', () => {
    const fast = oracleDecision(aTask(), { ...spec, gpuSpeeds: [1, 4] });
    const reference = oracleDecision(aTask(), spec);

    expect(fast.optimalTime).toBeLessThan(reference.optimalTime);
  });

  it('rejects multipliers that are not one positive number per GPU', () => {
    expect(() => SimulationEngine.create({ gpus: 2, machine: { gpuSpeeds: [1] } })).toThrow(/gpuSpeeds/);
    expect(() => SimulationEngine.create({ gpus: 2, machine: { gpuSpeeds: [1, 0] } })).toThrow(/gpuSpeeds/);
  });

  it('lets eft prefer the faster GPU', () => {
    const sut = SimulationEngine.create({ seed: 3, gpus: 2, strategies: ['eft'], machine: { gpuSpeeds: [1, 8] } });
    for (let i = 0; i < 300; i++) sut.step(sut.nextTask());

    const { busy } = sut.report()[0].scheduling;
    expect(busy.gpus[1]).toBeGreaterThan(busy.gpus[0]);
  });
});

describe('stats.warmupTasks', () => {
  it('runs the warm-up tasks but counts only the ones after them', () => {
    const warm = SimulationEngine.create({ seed: 9, stats: { warmupTasks: 40 } });
    const cold = SimulationEngine.create({ seed: 9 });
    const steps = [];
    for (let i = 0; i < 100; i++) {
      steps.push(warm.step(warm.nextTask()).counted);
      cold.step(cold.nextTask());
    }

    expect(steps.filter(Boolean)).toHaveLength(60);
    expect(steps.slice(0, 40).every((c) => !c)).toBe(true);
    expect(warm.summary().every((s) => s.tasks === 60)).toBe(true);
    // The machines saw every task: the same decisions, so the same last outcome.
    expect(warm.snapshot().machines).toEqual(cold.snapshot().machines);
  });
});

describe('scheduling metrics', () => {
  const run = (tasks: number, config = {}) => {
    const sut = SimulationEngine.create({ seed: 11, gpus: 3, ...config });
    const parts = new Map<string, { busy: number[]; first: number; last: number }>();
    for (let i = 0; i < tasks; i++) {
      const step = sut.step(sut.nextTask());
      for (const [name, o] of Object.entries(step.outcomes)) {
        const p = parts.get(name) ?? { busy: [0, 0, 0, 0], first: step.task.arrivalTime, last: 0 };
        // The parts, as Machine books them: the CPU's (1 − f)·t, the GPU's from the energy.
        const cpuPart = o.cpuStartTime === null ? 0 : (1 - o.gpuFraction) * step.task.durationEstimate;
        p.busy[0] += cpuPart;
        if (o.gpuId !== null) p.busy[o.gpuId + 1] += (o.energy - spec.cpuPowerW * cpuPart) / spec.gpuPowerW;
        p.last = Math.max(p.last, o.finishTime);
        parts.set(name, p);
      }
    }
    return { sut, parts };
  };

  it('keeps utilisation within [0, 1] and a device busy for the sum of its parts', () => {
    const { sut, parts } = run(800, { workload: { arrivalRate: 6 } });

    for (const line of sut.report()) {
      const s = line.scheduling;
      const expected = parts.get(line.strategy)!;
      for (const u of [s.utilisation.cpu, ...s.utilisation.gpus]) {
        expect(u).toBeGreaterThanOrEqual(0);
        expect(u).toBeLessThanOrEqual(1);
      }
      // Busy time from each task's energy = cpuPowerW · cpuPart + gpuPowerW · gpuPart.
      [s.busy.cpu, ...s.busy.gpus].forEach((b, d) => expect(b).toBeCloseTo(expected.busy[d], 6));
      expect(s.makespan).toBeCloseTo(expected.last - expected.first, 9);
      expect(s.throughput).toBeCloseTo(800 / s.makespan, 9);
      expect(s.utilisation.cpu).toBeCloseTo(s.busy.cpu / s.makespan, 12);
      [s.meanBacklog.cpu, ...s.meanBacklog.gpus].forEach((m, d) => expect(m).toBeLessThanOrEqual([s.maxBacklog.cpu, ...s.maxBacklog.gpus][d]));
    }
  });

  it('samples the backlog a task finds on arrival, before it is placed', () => {
    const stats = StrategyStats.create(0.01);
    stats.arrive(1, { cpuFree: 4, gpuFree: [0, 3] });
    stats.arrive(2, { cpuFree: 4, gpuFree: [5, 0] });

    const s = stats.scheduling(2);
    expect(s.meanBacklog).toEqual({ cpu: 2.5, gpus: [1.5, 1] });
    expect(s.maxBacklog).toEqual({ cpu: 3, gpus: [3, 2] });
  });

  it('carries on exactly through a snapshot, and restores states saved before the metrics', () => {
    const { sut } = run(300);
    const restored = SimulationEngine.restore(JSON.parse(JSON.stringify(sut.snapshot())));
    for (let i = 0; i < 100; i++) {
      const task = sut.nextTask();
      restored.nextTask();
      sut.step(task);
      restored.step(task);
    }
    expect(restored.report()).toEqual(sut.report());

    const { scheduling: _dropped, ...old } = sut.snapshot().stats.eft;
    const fromOld = StrategyStats.restore(old);
    expect(fromOld.summary('eft')).toEqual(sut.summary().find((s) => s.strategy === 'eft'));
    expect(fromOld.scheduling(3).busy.cpu).toBe(0);
  });
});
