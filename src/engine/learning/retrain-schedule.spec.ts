import { isRetrainPoint, retrainLagAt } from './retrain-schedule.js';

const points = (spec: Parameters<typeof isRetrainPoint>[1], upTo: number): number[] =>
  Array.from({ length: upTo }, (_, i) => i + 1).filter((labels) => isRetrainPoint(labels, spec));

describe('retrain schedule', () => {
  it('retrains early at 50, 100, 200, 400 and 800 labels, then every interval, with the batch defaults', () => {
    const spec = { retrainInterval: 1000, retrainLag: 2000, minSamples: 50 };

    expect(points(spec, 4000)).toEqual([50, 100, 200, 400, 800, 1000, 2000, 3000, 4000]);
  });

  it('keeps the continuous run on its interval: no early points below it', () => {
    expect(points({ retrainInterval: 50, retrainLag: 10, minSamples: 50 }, 200)).toEqual([50, 100, 150, 200]);
  });

  it('never retrains on fewer than minSamples labels, whatever the interval', () => {
    expect(points({ retrainInterval: 30, retrainLag: 0, minSamples: 50 }, 150)).toEqual([60, 90, 120, 150]);
    expect(points({ retrainInterval: 300, retrainLag: 0, minSamples: 40 }, 700)).toEqual([40, 80, 160, 300, 600]);
  });

  it('gives an early retrain a tenth of its labels as lag, and a retrain on a full interval retrainLag', () => {
    const spec = { retrainInterval: 1000, retrainLag: 2000, minSamples: 50 };

    expect([50, 100, 400, 800, 1000, 5000].map((labels) => retrainLagAt(labels, spec))).toEqual([5, 10, 40, 80, 2000, 2000]);
    expect(retrainLagAt(400, { ...spec, retrainLag: 25 })).toBe(25);
    expect(retrainLagAt(50, { ...spec, retrainLag: 0 })).toBe(0);
    expect(retrainLagAt(50, { retrainInterval: 50, retrainLag: 10, minSamples: 50 })).toBe(10);
  });

  it('makes models take effect in the order they were trained', () => {
    const spec = { retrainInterval: 1000, retrainLag: 2000, minSamples: 50 };
    const effective = points(spec, 50_000).map((labels) => labels + retrainLagAt(labels, spec));

    expect(effective).toEqual([...effective].sort((a, b) => a - b));
  });
});
