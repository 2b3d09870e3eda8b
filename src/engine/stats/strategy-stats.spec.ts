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

/** `merged`: one accumulator fed `a`, merged with one fed `b`; `whole`: one accumulator fed both, in order. */
function mergedAndWhole<T>(feed: (stats: StrategyStats, items: T[]) => void, a: T[], b: T[]): { merged: StrategyStats; whole: StrategyStats } {
  const [merged, right, whole] = [0, 1, 2].map(() => StrategyStats.create(0.005));
  feed(merged, a);
  feed(right, b);
  feed(whole, [...a, ...b]);
  merged.merge(right);
  return { merged, whole };
}

const task = fc.record({ exec: fc.double({ min: 0.01, max: 1000, noNaN: true }), wait: fc.double({ min: 0, max: 1000, noNaN: true }), won: fc.boolean() });

describe(StrategyStats.name, () => {
  it('merged, equals one accumulator fed both halves (counts, wins, extremes and sketches; sums to rounding)', () => {
    fc.assert(
      fc.property(fc.array(task, { maxLength: 100 }), fc.array(task, { maxLength: 100 }), (a, b) => {
        const feed = (stats: StrategyStats, ts: typeof a) => ts.forEach((t) => stats.add(outcome(t.exec + t.wait, t.exec), t.exec / 2, t.won));

        const { merged, whole } = mergedAndWhole(feed, a, b);

        const { sums, ...rest } = merged.toJSON();
        const { sums: wholeSums, ...wholeRest } = whole.toJSON();
        expect(rest).toEqual(wholeRest);
        sums.forEach((sum, i) => expect(sum).toBeCloseTo(wholeSums[i], 6));
      }),
    );
  });

  it('merged, keeps the scheduling accumulators of both (span, busy time and backlog per device)', () => {
    // Integer times: the sums are exact whatever the order, so the states compare equal.
    const feed = (stats: StrategyStats, tasks: [number, number, number | null][]) =>
      tasks.forEach(([arrival, finish, gpuId]) => {
        stats.arrive(arrival, { cpuFree: arrival + 1, gpuFree: [arrival + 2, 0] });
        const o = { ...outcome(finish - arrival, finish - arrival), gpuId, finishTime: finish };
        stats.occupy(o, 1, gpuId === null ? 0 : 2);
        stats.add(o, 0, false);
      });
    const a: [number, number, number | null][] = [[4, 9, 1], [5, 8, null]];
    const b: [number, number, number | null][] = [[2, 12, 0], [7, 10, 1]];

    const { merged, whole } = mergedAndWhole(feed, a, b);

    expect(merged.toJSON().scheduling).toEqual(whole.toJSON().scheduling);
    expect(merged.scheduling(2)).toEqual(whole.scheduling(2));
    expect(merged.devices).toBe(3);
  });

  it('reports percentiles by the linear rule on request', () => {
    const sut = StrategyStats.create(0.005);
    [1, 2, 3, 4].forEach((t) => sut.add(outcome(t, t), 0, false));

    expect(sut.summary('eft').completionTime.p50).toBeCloseTo(2, 1);
    expect(sut.summary('eft', 'linear').completionTime.p50).toBeCloseTo(2.5, 1);
  });
});
