import fc from 'fast-check';
import { DEFAULT_ENGINE_CONFIG } from '../config.js';
import { aTask } from '../testing/task.factory.js';
import { Machine } from './machine.js';
import { oracleDecision } from './oracle.js';

const spec = DEFAULT_ENGINE_CONFIG.machine;

describe(oracleDecision.name, () => {
  it('keeps a task on the CPU when the transfer alone outlasts it', () => {
    const task = aTask({ durationEstimate: 0.01, memoryRequired: 1600 });

    expect(oracleDecision(task, spec)).toEqual({ gpuFraction: 0, optimalTime: 0.01 });
  });

  it('balances the CPU and GPU parts by the closed form', () => {
    const task = aTask({ durationEstimate: 2, computeIntensity: 1, memoryRequired: 1600 });
    const s = 4;
    const c = 0.1;

    const sut = oracleDecision(task, spec);

    expect(sut.gpuFraction).toBeCloseTo((s * (2 - c)) / (2 * (1 + s)), 12);
    expect(sut.optimalTime).toBeCloseTo((1 - sut.gpuFraction) * 2, 12);
  });

  it('is never beaten on exec time by any fraction', () => {
    fc.assert(
      fc.property(
        fc.record({
          durationEstimate: fc.double({ min: 1e-3, max: 100, noNaN: true }),
          computeIntensity: fc.double({ min: 0, max: 1, noNaN: true }),
          memoryRequired: fc.double({ min: 0, max: 5000, noNaN: true }),
        }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (fields, f) => {
          const task = aTask(fields);
          const machine = Machine.create(spec, 1, 'window', 50);

          expect(machine.evaluate(task, f, 0).execTime).toBeGreaterThanOrEqual(oracleDecision(task, spec).optimalTime);
        },
      ),
    );
  });
});
