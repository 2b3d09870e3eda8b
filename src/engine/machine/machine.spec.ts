import { DEFAULT_ENGINE_CONFIG } from '../config.js';
import { UnknownDependencyError } from '../errors.js';
import { aTask } from '../testing/task.factory.js';
import { Machine } from './machine.js';

const spec = DEFAULT_ENGINE_CONFIG.machine;

describe(Machine.name, () => {
  let sut: Machine;

  beforeEach(() => {
    sut = Machine.create(spec, 2, 'window', 50);
  });

  it('runs the CPU and GPU parts concurrently', () => {
    // t = 2, s = 1 + 3·0.8 = 3.4, c = 800/16000 = 0.05.
    const outcome = sut.run(aTask(), 0.5, 1);

    expect(outcome.execTime).toBeCloseTo(1, 12);
    expect(outcome.finishTime).toBeCloseTo(2, 12);
    expect(outcome.gpuId).toBe(1);
    expect(outcome.energy).toBeCloseTo(100 * 1 + 200 * (1 / 3.4 + 0.05), 9);
    expect(outcome.cost).toBeCloseTo(0.00002 * 1 + 0.0001 * (1 / 3.4 + 0.05), 12);
  });

  it('queues a task behind the busy device and counts the wait', () => {
    sut.run(aTask({ id: 0 }), 0, 0);

    const outcome = sut.run(aTask({ id: 1 }), 0, 0);

    expect(outcome.startTime).toBe(3);
    expect(outcome.completionTime).toBe(4);
    expect(outcome.waitTime).toBe(2);
  });

  it('leaves the GPU out when f = 0 and the CPU out when f = 1', () => {
    const cpuOnly = sut.run(aTask({ id: 0 }), 0, 1);
    const gpuOnly = sut.run(aTask({ id: 1 }), 1, 1);

    expect(cpuOnly.gpuId).toBeNull();
    expect(cpuOnly.gpuStartTime).toBeNull();
    expect(gpuOnly.cpuStartTime).toBeNull();
    expect(gpuOnly.startTime).toBe(1);
    expect(sut.gpuFree[0]).toBe(0);
  });

  it('waits for every parent to finish', () => {
    sut.run(aTask({ id: 0, durationEstimate: 10 }), 0, 0);

    const child = sut.run(aTask({ id: 1, dependencies: [0] }), 1, 0);

    expect(child.startTime).toBe(11);
  });

  it('rejects a dependency whose finish time it does not know', () => {
    expect(() => sut.run(aTask({ id: 5, dependencies: [4] }), 0, 0)).toThrow(UnknownDependencyError);
  });

  it('forgets parents outside the window but keeps all of them when asked', () => {
    const windowed = Machine.create(spec, 1, 'window', 2);
    const everything = Machine.create(spec, 1, 'all', 2);
    for (let id = 0; id < 3; id++) {
      windowed.run(aTask({ id }), 0, 0);
      everything.run(aTask({ id }), 0, 0);
    }

    expect(() => windowed.readyTime(aTask({ id: 3, dependencies: [0] }))).toThrow(UnknownDependencyError);
    expect(everything.readyTime(aTask({ id: 3, dependencies: [0] }))).toBe(3);
  });

  it('evaluates without changing anything', () => {
    sut.run(aTask({ id: 0 }), 0.3, 0);
    const before = JSON.stringify(sut.toJSON());

    sut.evaluate(aTask({ id: 1 }), 0.7, 1);

    expect(JSON.stringify(sut.toJSON())).toBe(before);
  });

  it('reports utilisation as busy time over elapsed time', () => {
    sut.run(aTask({ id: 0, arrivalTime: 0 }), 0, 0);
    sut.run(aTask({ id: 1, arrivalTime: 3 }), 0, 0);

    expect(sut.utilization()).toEqual({ cpu: 4 / 5, gpus: [0, 0], average: 4 / 15, elapsed: 5 });
  });

  it('restores through JSON to the same state', () => {
    sut.run(aTask({ id: 0 }), 0.4, 1);

    const restored = Machine.restore(spec, JSON.parse(JSON.stringify(sut.toJSON())));

    expect(restored.toJSON()).toEqual(sut.toJSON());
    expect(restored.run(aTask({ id: 1, dependencies: [0] }), 0.2, 0)).toEqual(sut.run(aTask({ id: 1, dependencies: [0] }), 0.2, 0));
  });
});
