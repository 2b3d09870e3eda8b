import { DEFAULT_ENGINE_CONFIG } from '../config.js';
import { oracleDecision } from '../machine/oracle.js';
import { RegressionForest } from '../ml/forest/regression-forest.js';
import { aTask } from '../testing/task.factory.js';
import { durationEstimate, taskFeatures, type Task } from '../workload/task.js';
import { computeBoundSplit, PlacementModel } from './placement-model.js';

const machine = DEFAULT_ENGINE_CONFIG.machine;
const workload = DEFAULT_ENGINE_CONFIG.workload;
const forest = { nTrees: 20, maxDepth: 10, minSamplesSplit: 4, minSamplesLeaf: 2, seed: 7 };
const options = { ...forest, gpuSpeedupPerIntensity: machine.gpuSpeedupPerIntensity, holdoutFraction: 0 };

function task(size: number, computeIntensity: number, memoryRequired: number): Task {
  return aTask({ size, computeIntensity, memoryRequired, durationEstimate: durationEstimate(size, computeIntensity, workload) });
}

// Small tasks only, as hybrid_ml sees them early in a run: sizes 100–1,000.
const small = Array.from({ length: 80 }, (_, i) => task(100 + ((i * 37) % 900), 0.05 + ((i * 13) % 19) / 20, 10 + ((i * 53) % 500)));
const X = small.map(taskFeatures);
const labels = small.map((t) => oracleDecision(t, machine).gpuFraction);

describe(PlacementModel.name, () => {
  it('learns f* as the compute-bound split s / (1 + s) less the transfer’s share', () => {
    const { model } = PlacementModel.fit(X, labels, options);
    const meanError = small.reduce((sum, _, i) => sum + Math.abs(model.predict(X[i]) - labels[i]), 0) / small.length;
    expect(meanError).toBeLessThan(0.02);
    expect(computeBoundSplit(1, 3)).toBeCloseTo(0.8);
    expect(computeBoundSplit(0, 3)).toBeCloseTo(0.5);
  });

  it('carries over to tasks far larger than any it was fitted on, where a forest fitted on f* falls short', () => {
    const { model } = PlacementModel.fit(X, labels, options);
    const plain = RegressionForest.fit(X, labels, forest);
    for (const intensity of [0.1, 0.35, 0.65, 0.9, 1]) {
      const huge = task(10_000, intensity, 5000);
      expect(Math.abs(model.predict(taskFeatures(huge)) - oracleDecision(huge, machine).gpuFraction)).toBeLessThan(0.025);
    }
    // The plain forest stops at the largest f* it saw (0.73 here, where 0.79 is due).
    const hardest = task(10_000, 1, 5000);
    expect(oracleDecision(hardest, machine).gpuFraction - plain.predict(taskFeatures(hardest))).toBeGreaterThan(0.05);
  });

  it('scores R² and MAE of f on the held-out rows, and returns a model fitted on every row', () => {
    const fit = PlacementModel.fit(X, labels, { ...options, holdoutFraction: 0.2 });
    expect(fit.samples).toBe(80);
    expect(fit.model.nSamples).toBe(80);
    expect(fit.r2).toBeGreaterThan(0.5);
    expect(fit.mae).toBeGreaterThan(0);
    expect(fit.mae).toBeLessThan(0.1);
    expect(fit.importances).toHaveLength(5);
    const unscored = PlacementModel.fit(X, labels, options);
    expect(unscored.r2).toBeNull();
    expect(unscored.mae).toBeNull();
    // The deployed model does not depend on whether it was scored.
    expect(unscored.model.toJSON()).toEqual(fit.model.toJSON());
  });

  it('round-trips through JSON exactly and rejects anything else', () => {
    const { model } = PlacementModel.fit(X, labels, options);
    const loaded = PlacementModel.load(JSON.parse(JSON.stringify(model)));
    for (const x of X) expect(loaded.predict(x)).toBe(model.predict(x));
    expect(() => PlacementModel.load({ ...RegressionForest.fit(X, labels, forest).toJSON(), version: 9 })).toThrow(expect.objectContaining({ code: 'ML.INVALID_MODEL' }));
    expect(() => PlacementModel.load({ ...model.toJSON(), gpuSpeedupPerIntensity: -1 })).toThrow(expect.objectContaining({ code: 'ML.INVALID_MODEL' }));
    expect(() => PlacementModel.load({ ...model.toJSON(), forest: null })).toThrow(expect.objectContaining({ code: 'ML.INVALID_MODEL' }));
  });

  it('loads a version-1 model, fitted on the share of the split, and predicts and saves it as such', () => {
    const split = small.map((t) => computeBoundSplit(t.computeIntensity, machine.gpuSpeedupPerIntensity));
    const shareForest = RegressionForest.fit(X, labels.map((f, i) => f / split[i]), forest);
    const saved = JSON.parse(JSON.stringify({ name: 'placement-model', version: 1, gpuSpeedupPerIntensity: 3, forest: shareForest })) as unknown;
    const old = PlacementModel.load(saved);
    for (const [i, x] of X.entries()) expect(old.predict(x)).toBe(shareForest.predict(x) * split[i]);
    expect(JSON.parse(JSON.stringify(old))).toEqual(saved);
    expect(PlacementModel.fit(X, labels, options).model.toJSON()).toMatchObject({ name: 'placement-model', version: 2 });
  });

  it('loads a bare forest fitted on f itself, as checkpoints held before, and predicts and saves it as such', () => {
    const plain = RegressionForest.fit(X, labels, forest);
    const saved = JSON.parse(JSON.stringify(plain)) as unknown;
    const legacy = PlacementModel.load(saved);
    for (const x of X) expect(legacy.predict(x)).toBe(plain.predict(x));
    expect(JSON.parse(JSON.stringify(legacy))).toEqual(saved);
    expect(legacy.nSamples).toBe(80);
  });
});
