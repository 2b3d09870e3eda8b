import fc from 'fast-check';
import { QuantileSketch } from './quantile-sketch.js';

describe(QuantileSketch.name, () => {
  it('returns every quantile within its relative accuracy', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 1e-6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 500 }), fc.double({ min: 0, max: 1, noNaN: true }), (values, q) => {
        const sut = QuantileSketch.create(0.01);
        values.forEach((v) => sut.add(v));
        const exact = [...values].sort((a, b) => a - b)[Math.floor(q * (values.length - 1))];

        expect(Math.abs(sut.quantile(q) - exact)).toBeLessThanOrEqual(exact * 0.01 * (1 + 1e-9));
      }),
    );
  });

  it('answers NaN when empty and exact extremes otherwise', () => {
    const sut = QuantileSketch.create(0.01);
    expect(sut.quantile(0.5)).toBeNaN();

    [3, 0, 7.25].forEach((v) => sut.add(v));

    expect([sut.quantile(0), sut.quantile(1)]).toEqual([0, 7.25]);
  });

  it('restores through JSON to the same answers', () => {
    const sut = QuantileSketch.create(0.005);
    for (let i = 1; i <= 1000; i++) sut.add(i / 7);

    const restored = QuantileSketch.restore(JSON.parse(JSON.stringify(sut.toJSON())));
    restored.add(5);
    sut.add(5);

    expect([0, 0.5, 0.95, 0.99, 1].map((q) => restored.quantile(q))).toEqual([0, 0.5, 0.95, 0.99, 1].map((q) => sut.quantile(q)));
  });

  const positive = fc.array(fc.double({ min: 1e-6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 300 });
  // PostgreSQL's percentile_cont: linear interpolation between the closest ranks.
  const percentileCont = (values: number[], q: number): number => {
    const sorted = [...values].sort((a, b) => a - b);
    const pos = q * (sorted.length - 1);
    const lo = Math.floor(pos);
    const hi = Math.ceil(pos);
    return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
  };

  it('interpolates within its relative accuracy of percentile_cont', () => {
    fc.assert(
      fc.property(positive, fc.double({ min: 0, max: 1, noNaN: true }), (values, q) => {
        const sut = QuantileSketch.create(0.01);
        values.forEach((v) => sut.add(v));
        const exact = percentileCont(values, q);

        expect(Math.abs(sut.interpolated(q) - exact)).toBeLessThanOrEqual(exact * 0.01 * (1 + 1e-9));
      }),
    );
  });

  it('merged, answers as one sketch fed both streams', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { maxLength: 200 }), fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { maxLength: 200 }), (a, b) => {
        const left = QuantileSketch.create(0.005);
        const right = QuantileSketch.create(0.005);
        const whole = QuantileSketch.create(0.005);
        a.forEach((v) => (left.add(v), whole.add(v)));
        b.forEach((v) => (right.add(v), whole.add(v)));

        left.merge(right);

        const qs = [0, 0.1, 0.5, 0.9, 0.95, 0.99, 1];
        expect(left.count).toBe(whole.count);
        expect(qs.map((q) => left.quantile(q))).toEqual(qs.map((q) => whole.quantile(q)));
        expect(left.toJSON()).toEqual(whole.toJSON());
      }),
    );
  });

  it('refuses to merge a sketch of another accuracy', () => {
    const sut = QuantileSketch.create(0.005);

    expect(() => sut.merge(QuantileSketch.create(0.01))).toThrow(/relative accuracy/);
  });
});

describe('QuantileSketch growth', () => {
  it('keeps its buckets in proportion to the range seen when values arrive ever smaller or ever larger', () => {
    for (const step of [0.99, 1 / 0.99]) {
      const sketch = QuantileSketch.create(0.005);
      // 2,000 values over 9 decades, one direction: about 2,100 buckets apart at 0.5%.
      for (let i = 0; i < 2000; i++) sketch.add(1000 * step ** i * (step < 1 ? 1 : 1e-6));
      const buckets = (sketch as unknown as { counts: Float64Array }).counts.length;
      expect(buckets).toBeLessThanOrEqual(4 * 2100);
      expect(sketch.count).toBe(2000);
    }
  });
});

