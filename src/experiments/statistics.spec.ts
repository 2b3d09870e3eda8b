import { meanInterval, pairedDifference, tQuantile } from './statistics.js';

describe('experiment statistics', () => {
  // Published two-sided 95% critical values of Student's t (e.g. NIST/SEMATECH e-Handbook, table 1.3.6.7.2).
  it.each([
    [1, 12.706],
    [2, 4.303],
    [4, 2.776],
    [9, 2.262],
    [29, 2.045],
    [120, 1.98],
  ])('t quantile at 0.975 with %i degrees of freedom is %f', (df, published) => {
    expect(tQuantile(0.95, df)).toBeCloseTo(published, 3);
  });

  it('matches a hand-computed 95% interval', () => {
    // mean 3, sd √2.5 = 1.5811, t(4) = 2.7764: half-width 2.7764 · 1.5811 / √5 = 1.9632.
    const ci = meanInterval([1, 2, 3, 4, 5]);

    expect(ci.mean).toBe(3);
    expect(ci.sd).toBeCloseTo(1.58114, 5);
    expect(ci.halfWidth).toBeCloseTo(1.96324, 4);
    expect(ci.low).toBeCloseTo(1.03676, 4);
    expect(ci.high).toBeCloseTo(4.96324, 4);
  });

  it('gives no interval from fewer than two values', () => {
    expect(meanInterval([7])).toEqual({ n: 1, mean: 7, sd: null, halfWidth: null, low: null, high: null });
    expect(meanInterval([]).n).toBe(0);
  });

  it('pairs the same seeds, whatever the order, and ignores unpaired ones', () => {
    const best = new Map([
      [3, 10],
      [1, 5],
      [2, 8],
      [9, 100],
    ]);
    const other = new Map([
      [2, 9],
      [1, 6.5],
      [3, 11.2],
      [4, 50],
    ]);

    const d = pairedDifference(other, best);

    expect(d.seeds).toEqual([1, 2, 3]);
    // Differences 1.5, 1, 1.2: mean 1.2333, sd 0.25166, t(2) = 4.30265, half-width 0.62516.
    expect(d.mean).toBeCloseTo(1.23333, 5);
    expect(d.halfWidth).toBeCloseTo(0.62516, 4);
    expect(d.significant).toBe(true);
  });

  it('is not significant when the interval spans 0', () => {
    const d = pairedDifference(
      new Map([
        [1, 1],
        [2, -1],
        [3, 0.5],
      ]),
      new Map([
        [1, 0],
        [2, 0],
        [3, 0],
      ]),
    );

    expect(d.low! < 0 && d.high! > 0).toBe(true);
    expect(d.significant).toBe(false);
  });
});
