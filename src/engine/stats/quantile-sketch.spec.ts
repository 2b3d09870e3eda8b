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
});
