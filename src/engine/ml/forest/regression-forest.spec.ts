import { InvalidMlOptionsError, InvalidModelError, InvalidTrainingDataError } from '../ml-errors.js';
import { nextUnit, toRandom } from '../ml-random.js';
import { mae, r2, trainWithHoldout } from './metrics.js';
import { fitForestFromRows, RegressionForest } from './regression-forest.js';

interface Dataset {
  X: number[][];
  y: number[];
}

function makeDataset(
  overrides: { rows?: number; features?: number; seed?: number; target?: (x: number[]) => number } = {},
): Dataset {
  const { rows = 400, features = 5, seed = 7, target = (x: number[]) => 3 * x[0] + 2 * x[1] } = overrides;
  const rng = toRandom(seed);
  const X: number[][] = [];
  for (let i = 0; i < rows; i++) X.push(Array.from({ length: features }, () => nextUnit(rng)));
  return { X, y: X.map(target) };
}

describe(RegressionForest.name, () => {
  it('learns a step function exactly away from the step', () => {
    const X = Array.from({ length: 100 }, (_, i) => [i]);
    const y = X.map(([x]) => (x < 50 ? 0 : 10));

    const sut = RegressionForest.fit(X, y, { seed: 1 });

    expect(sut.predict([10])).toBe(0);
    expect(sut.predict([45])).toBe(0);
    expect(sut.predict([55])).toBe(10);
    expect(sut.predict([90])).toBe(10);
  });

  it('predicts a constant target without splitting', () => {
    const { X } = makeDataset({ rows: 50 });
    const y = X.map(() => 3.5);

    const sut = RegressionForest.fit(X, y, { nTrees: 4, seed: 2 });

    expect(sut.predict([0.1, 0.9, 0.3, 0.2, 0.5])).toBe(3.5);
    expect(sut.nodeCount).toBe(4);
    expect(sut.featureImportances()).toEqual([0, 0, 0, 0, 0]);
  });

  it('scores R² above 0.9 on held-out rows of a linear target', () => {
    const { X, y } = makeDataset({ rows: 1000 });

    const result = trainWithHoldout(X, y, { seed: 3 });

    expect(result.r2).toBeGreaterThan(0.9);
    expect(result.samples).toBe(1000);
    expect(result.testSamples).toBe(200);
    expect(result.trainSamples).toBe(800);
    expect(result.model.nSamples).toBe(800);
    expect(result.mae).toBeLessThan(0.2);
  });

  it('fits y / scale with a per-row scale and scores scale × prediction against y', () => {
    const { X, y } = makeDataset({ rows: 400 });
    const scale = X.map((x) => 1 + x[0]);
    const scaled = trainWithHoldout(X, y, { seed: 3, scale });
    // The same split and forest as fitting y / scale by hand, scored in y's units.
    const byHand = trainWithHoldout(X, y.map((v, i) => v / scale[i]), { seed: 3 });
    expect(scaled.model.toJSON()).toEqual(byHand.model.toJSON());
    expect(scaled.r2).toBeGreaterThan(0.8);
    expect(scaled.mae).not.toBeCloseTo(byHand.mae, 6);
    expect(() => trainWithHoldout(X, y, { scale: scale.slice(1) })).toThrow(InvalidTrainingDataError);
    expect(() => trainWithHoldout(X, y, { scale: scale.map((v, i) => (i === 5 ? 0 : v)) })).toThrow(InvalidTrainingDataError);
  });

  it('fits (y − offset) / scale with a per-row offset and scores offset + scale × prediction against y', () => {
    const { X, y } = makeDataset({ rows: 400 });
    const scale = X.map((x) => 1 + x[0]);
    const offset = X.map((x) => x[1]);
    const shifted = trainWithHoldout(X, y, { seed: 3, scale, offset });
    const byHand = trainWithHoldout(X, y.map((v, i) => (v - offset[i]) / scale[i]), { seed: 3 });
    expect(shifted.model.toJSON()).toEqual(byHand.model.toJSON());
    expect(shifted.r2).toBeGreaterThan(0.8);
    expect(() => trainWithHoldout(X, y, { offset: offset.slice(1) })).toThrow(InvalidTrainingDataError);
    expect(() => trainWithHoldout(X, y, { offset: offset.map((v, i) => (i === 5 ? Number.NaN : v)) })).toThrow(InvalidTrainingDataError);
  });

  it('fits the same forest from the same rows and seed', () => {
    const { X, y } = makeDataset();

    const first = RegressionForest.fit(X, y, { seed: 11, maxFeatures: 0.6 });
    const second = RegressionForest.fit(X, y, { seed: 11, maxFeatures: 0.6 });
    const other = RegressionForest.fit(X, y, { seed: 12, maxFeatures: 0.6 });

    expect(second.toJSON()).toEqual(first.toJSON());
    expect(other.toJSON()).not.toEqual(first.toJSON());
  });

  it('predicts identically after a JSON round trip', () => {
    const { X, y } = makeDataset();
    const original = RegressionForest.fit(X, y, { seed: 5 });
    const probes = makeDataset({ rows: 200, seed: 99 }).X;

    const sut = RegressionForest.load(JSON.parse(JSON.stringify(original)));

    for (const probe of probes) expect(sut.predict(probe)).toBe(original.predict(probe));
    expect(sut.featureImportances()).toEqual(original.featureImportances());
    expect(sut.nTrees).toBe(10);
  });

  it.each([
    ['a wrong tag', { name: 'mlp' }],
    ['a wrong version', { version: 2 }],
    ['a truncated node array', { feature: 'AAAA' }],
    ['a non-object', null],
  ])('rejects %s with ML.INVALID_MODEL', (_, patch) => {
    const { X, y } = makeDataset({ rows: 30 });
    const json = patch === null ? null : { ...RegressionForest.fit(X, y, { nTrees: 2 }).toJSON(), ...patch };

    expect(() => RegressionForest.load(json)).toThrow(InvalidModelError);
    expect(() => RegressionForest.load(json)).toThrow(expect.objectContaining({ code: 'ML.INVALID_MODEL' }));
  });

  it('rejects a child that points back up the tree', () => {
    const { X, y } = makeDataset({ rows: 30 });
    const json = RegressionForest.fit(X, y, { nTrees: 1 }).toJSON();
    const left = new Int32Array(Buffer.from(json.left, 'base64').buffer.slice(0));
    left[0] = 0;

    expect(() => RegressionForest.load({ ...json, left: Buffer.from(left.buffer).toString('base64') })).toThrow(
      InvalidModelError,
    );
  });

  it('ranks the informative feature first in importances that sum to 1', () => {
    const { X, y } = makeDataset({ target: (x) => 10 * x[2] + 0.5 * x[0] });

    const importances = RegressionForest.fit(X, y, { seed: 4 }).featureImportances();

    expect(importances.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(importances.indexOf(Math.max(...importances))).toBe(2);
    expect(importances[2]).toBeGreaterThan(0.8);
  });

  it('fits from training rows to the same JSON as fit', () => {
    const { X, y } = makeDataset({ rows: 100 });
    const rows = X.map((features, i) => ({ features, label: y[i] }));

    const json = fitForestFromRows(rows, { seed: 8, nTrees: 3 });

    expect(json).toEqual(RegressionForest.fit(X, y, { seed: 8, nTrees: 3 }).toJSON());
  });

  it('grows only the roots at maxDepth 0', () => {
    const { X, y } = makeDataset({ rows: 100 });

    const sut = RegressionForest.fit(X, y, { maxDepth: 0, nTrees: 3, seed: 1 });

    expect(sut.nodeCount).toBe(3);
  });

  it('keeps at least minSamplesLeaf rows in every leaf', () => {
    const { X, y } = makeDataset({ rows: 100 });

    const sut = RegressionForest.fit(X, y, { nTrees: 3, minSamplesLeaf: 50, bootstrap: false });

    // 100 rows split once at most into two leaves of 50.
    expect(sut.nodeCount).toBe(9);
  });

  it('rejects ragged rows and bad options with stable codes', () => {
    expect(() => RegressionForest.fit([[1, 2], [3]], [1, 2])).toThrow(InvalidTrainingDataError);
    expect(() => RegressionForest.fit([[1]], [Number.NaN])).toThrow(expect.objectContaining({ code: 'ML.INVALID_TRAINING_DATA' }));
    expect(() => RegressionForest.fit([[1]], [1], { nTrees: 0 })).toThrow(InvalidMlOptionsError);
  });
});

describe('forest metrics', () => {
  it('computes R² and MAE', () => {
    expect(r2([1, 2, 3], [1, 2, 3])).toBe(1);
    expect(r2([1, 2, 3], [2, 2, 2])).toBe(0);
    expect(r2([2, 2], [2, 2])).toBe(1);
    expect(mae([1, 2, 3], [2, 2, 5])).toBe(1);
  });

  it('rejects a holdout on a single row', () => {
    expect(() => trainWithHoldout([[1]], [1])).toThrow(InvalidTrainingDataError);
  });
});
