import fc from 'fast-check';
import type { Outcome } from '../machine/machine.js';
import { StrategyStats } from './strategy-stats.js';

const outcome = (completionTime: number, execTime: number): Outcome => ({
  gpuFraction: 0.5,
  cpuFraction: 0.5,
  gpuId: 0,
  startTime: 0,
  cpuStartTime: 0,
  gpuStartTime: 0,
  finishTime: completionTime,
  execTime,
  waitTime: completionTime - execTime,
  completionTime,
  energy: execTime * 3,
  cost: execTime / 7,
});

const task = fc.record({ exec: fc.double({ min: 0.01, max: 1000, noNaN: true }), wait: fc.double({ min: 0, max: 1000, noNaN: true }), won: fc.boolean() });

describe(StrategyStats.name, () => {
  it('merged, equals one accumulator fed both halves (counts, wins, extremes and sketches; sums to rounding)', () => {
    fc.assert(
      fc.property(fc.array(task, { maxLength: 100 }), fc.array(task, { maxLength: 100 }), (a, b) => {
        const feed = (stats: StrategyStats, ts: typeof a) => ts.forEach((t) => stats.add(outcome(t.exec + t.wait, t.exec), t.exec / 2, t.won));
        const left = StrategyStats.create(0.005);
        const right = StrategyStats.create(0.005);
        const whole = StrategyStats.create(0.005);
        feed(left, a);
        feed(right, b);
        feed(whole, [...a, ...b]);

        left.merge(right);

        const { sums, ...rest } = left.toJSON();
        const { sums: wholeSums, ...wholeRest } = whole.toJSON();
        expect(rest).toEqual(wholeRest);
        sums.forEach((sum, i) => expect(sum).toBeCloseTo(wholeSums[i], 6));
      }),
    );
  });

  it('reports percentiles by the linear rule on request', () => {
    const sut = StrategyStats.create(0.005);
    [1, 2, 3, 4].forEach((t) => sut.add(outcome(t, t), 0, false));

    expect(sut.summary('eft').completionTime.p50).toBeCloseTo(2, 1);
    expect(sut.summary('eft', 'linear').completionTime.p50).toBeCloseTo(2.5, 1);
  });
});
