import { RandomForestRegression } from 'ml-random-forest';
import { nextGaussian, nextUnit, toRandom } from '../ml-random.js';
import { r2 } from './metrics.js';
import { RegressionForest } from './regression-forest.js';

// A smooth non-linear target with noise, shaped like the oracle's label (bounded, interacting features).
function makeRows(count: number, seed: number): { X: number[][]; y: number[] } {
  const rng = toRandom(seed);
  const X: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < count; i++) {
    const x = Array.from({ length: 5 }, () => nextUnit(rng));
    X.push(x);
    y.push(Math.sin(3 * x[0]) + x[1] * x[1] + 0.5 * x[2] * x[3] + 0.05 * nextGaussian(rng));
  }
  return { X, y };
}

describe(`${RegressionForest.name} accuracy`, () => {
  it('scores within 0.05 R² of ml-random-forest on the same data', () => {
    const train = makeRows(500, 21);
    const test = makeRows(300, 22);
    // ml-random-forest is slow (it fits through ml-cart on matrices): few trees keep the test quick.
    const reference = new RandomForestRegression({
      nEstimators: 5,
      maxFeatures: 1.0,
      replacement: false,
      useSampleBagging: true,
      noOOB: true,
      seed: 3,
      treeOptions: { maxDepth: 10 },
    });
    reference.train(train.X, train.y);

    const sut = RegressionForest.fit(train.X, train.y, { nTrees: 5, seed: 3 });

    const ours = r2(test.y, sut.predictMany(test.X));
    const theirs = r2(test.y, reference.predict(test.X));
    expect(ours).toBeGreaterThan(theirs - 0.05);
    expect(ours).toBeGreaterThan(0.85);
  });
});
