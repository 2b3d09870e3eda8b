import { InvalidMlOptionsError, InvalidModelError } from '../ml-errors.js';
import { nextIndex, nextUnit, toRandom } from '../ml-random.js';
import { Mlp, type MlpOptions } from './mlp.js';

function makeMlp(overrides: Partial<MlpOptions> = {}): Mlp {
  return Mlp.create({ layers: [3, 5, 4, 2], seed: 1, ...overrides });
}

function makeBatch(count: number, inputs: number, outputs: number, seed: number) {
  const rng = toRandom(seed);
  const states = Array.from({ length: count }, () => Array.from({ length: inputs }, () => 2 * nextUnit(rng) - 1));
  const outputIdx = Array.from({ length: count }, () => nextIndex(rng, outputs));
  const targets = Array.from({ length: count }, () => 2 * nextUnit(rng) - 1);
  return { states, outputIdx, targets };
}

describe(Mlp.name, () => {
  it('matches finite differences in its backpropagated gradient', () => {
    const sut = makeMlp();
    const { states, outputIdx, targets } = makeBatch(6, 3, 2, 2);
    const h = 1e-6;

    sut.lossAndGradient(states, outputIdx, targets);
    const analytic = Float64Array.from(sut.grads);
    const numeric = new Float64Array(analytic.length);
    for (let k = 0; k < sut.params.length; k++) {
      const saved = sut.params[k];
      sut.params[k] = saved + h;
      const plus = sut.lossAndGradient(states, outputIdx, targets);
      sut.params[k] = saved - h;
      const minus = sut.lossAndGradient(states, outputIdx, targets);
      sut.params[k] = saved;
      numeric[k] = (plus - minus) / (2 * h);
    }

    let difference = 0;
    let magnitude = 0;
    for (let k = 0; k < analytic.length; k++) {
      difference += (analytic[k] - numeric[k]) ** 2;
      magnitude += analytic[k] ** 2 + numeric[k] ** 2;
    }
    expect(Math.sqrt(difference) / Math.sqrt(magnitude)).toBeLessThan(1e-5);
    expect(magnitude).toBeGreaterThan(0);
  });

  it('reads a flat row-major batch like a list of rows', () => {
    const sut = makeMlp();
    const { states, outputIdx, targets } = makeBatch(4, 3, 2, 3);

    const fromRows = sut.lossAndGradient(states, outputIdx, targets);
    const rowGrads = Float64Array.from(sut.grads);
    const fromFlat = sut.lossAndGradient(Float64Array.from(states.flat()), outputIdx, targets);

    expect(fromFlat).toBe(fromRows);
    expect(sut.grads).toEqual(rowGrads);
  });

  it('learns a non-linear map with one supervised output per sample', () => {
    const sut = Mlp.create({ layers: [2, 16, 16, 2], learningRate: 0.01, seed: 4 });
    const target = (x: number[], k: number) => (k === 0 ? x[0] * x[1] : 0.5 * x[0] - x[1]);
    const rng = toRandom(5);

    for (let step = 0; step < 1500; step++) {
      const { states, outputIdx } = makeBatch(32, 2, 2, nextIndex(rng, 1e9));
      sut.trainBatch(states, outputIdx, states.map((x, s) => target(x, outputIdx[s])));
    }

    const test = makeBatch(200, 2, 2, 6);
    let squared = 0;
    const out = new Float64Array(2);
    for (const x of test.states) {
      sut.forward(x, out);
      squared += (out[0] - target(x, 0)) ** 2 + (out[1] - target(x, 1)) ** 2;
    }
    expect(squared / 400).toBeLessThan(0.005);
  });

  it('shrinks the step when the gradient is clipped far below Adam\'s epsilon', () => {
    const free = makeMlp({ learningRate: 0.1 });
    const clipped = makeMlp({ learningRate: 0.1, clipNorm: 1e-12 });
    const before = Float64Array.from(free.params);
    const { states, outputIdx, targets } = makeBatch(8, 3, 2, 7);

    free.trainBatch(states, outputIdx, targets);
    clipped.trainBatch(states, outputIdx, targets);

    const largest = (sut: Mlp) => Math.max(...sut.params.map((p, k) => Math.abs(p - before[k])));
    expect(largest(free)).toBeGreaterThan(0.09);
    expect(largest(clipped)).toBeLessThan(0.001);
  });

  it('continues bit-identically after a JSON round trip', () => {
    const original = makeMlp({ learningRate: 0.01 });
    const batches = Array.from({ length: 6 }, (_, i) => makeBatch(8, 3, 2, 10 + i));
    for (const b of batches.slice(0, 3)) original.trainBatch(b.states, b.outputIdx, b.targets);

    const sut = Mlp.load(JSON.parse(JSON.stringify(original)));
    for (const b of batches.slice(3)) {
      original.trainBatch(b.states, b.outputIdx, b.targets);
      sut.trainBatch(b.states, b.outputIdx, b.targets);
    }

    expect(sut.params).toEqual(original.params);
    expect(sut.toJSON()).toEqual(original.toJSON());
  });

  it('copies parameters from a network of the same shape only', () => {
    const sut = makeMlp({ seed: 8 });
    const source = makeMlp({ seed: 9 });

    sut.copyFrom(source);

    expect(sut.forward([0.1, 0.2, 0.3])).toEqual(source.forward([0.1, 0.2, 0.3]));
    expect(() => sut.copyFrom(Mlp.create({ layers: [3, 2] }))).toThrow(InvalidMlOptionsError);
  });

  it('rejects a wrong tag or parameter count with ML.INVALID_MODEL', () => {
    const json = makeMlp().toJSON();

    expect(() => Mlp.load({ ...json, name: 'regression-forest' })).toThrow(expect.objectContaining({ code: 'ML.INVALID_MODEL' }));
    expect(() => Mlp.load({ ...json, layers: [3, 6, 4, 2] })).toThrow(InvalidModelError);
  });

  it('rejects a shape without outputs', () => {
    expect(() => Mlp.create({ layers: [3] })).toThrow(InvalidMlOptionsError);
  });
});
