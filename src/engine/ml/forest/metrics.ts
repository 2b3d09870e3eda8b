import { InvalidMlOptionsError, InvalidTrainingDataError } from '../ml-errors.js';
import { nextIndex, toRandom } from '../ml-random.js';
import { RegressionForest, type RegressionForestOptions } from './regression-forest.js';

/** Options of {@link trainWithHoldout}: the forest's, plus the held-out share. */
export interface HoldoutOptions extends RegressionForestOptions {
  /** Share of rows held out for scoring, in (0, 1) [0.2]. */
  holdoutFraction?: number;
  /**
   * A positive scale per row: the forest fits (y − offset) / scale, and is scored on
   * offset + scale × its prediction against y (the caller predicts the same way). Unscaled when absent.
   */
  scale?: ArrayLike<number>;
  /** A finite offset per row (see scale); 0 when absent. */
  offset?: ArrayLike<number>;
}

/** What a holdout training run reports. */
export interface HoldoutResult {
  /** The forest fitted on the training share only (the one that was scored). */
  model: RegressionForest;
  /** R² on the held-out rows. */
  r2: number;
  /** Mean absolute error on the held-out rows. */
  mae: number;
  /** All rows given (training + held out). */
  samples: number;
  trainSamples: number;
  testSamples: number;
  importances: number[];
}

/** Coefficient of determination; like sklearn, 1 for a perfect fit of a constant target, else 0 when the target is constant. */
export function r2(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  checkPair(yTrue, yPred);
  let mean = 0;
  for (let i = 0; i < yTrue.length; i++) mean += yTrue[i];
  mean /= yTrue.length;
  let residual = 0;
  let total = 0;
  for (let i = 0; i < yTrue.length; i++) {
    residual += (yTrue[i] - yPred[i]) ** 2;
    total += (yTrue[i] - mean) ** 2;
  }
  if (total === 0) return residual === 0 ? 1 : 0;
  return 1 - residual / total;
}

/** Mean absolute error. */
export function mae(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  checkPair(yTrue, yPred);
  let sum = 0;
  for (let i = 0; i < yTrue.length; i++) sum += Math.abs(yTrue[i] - yPred[i]);
  return sum / yTrue.length;
}

/**
 * Shuffles the rows with the seed, holds out `holdoutFraction` of them (at least one), fits a forest on the
 * rest and scores it on the held-out rows. The returned model is the one fitted on the training share: it is
 * the model the scores describe, and refitting on all rows would cost a second fit on the hot retrain path.
 * @throws InvalidTrainingDataError with fewer than two rows
 */
export function trainWithHoldout(
  X: ReadonlyArray<ArrayLike<number>>,
  y: ArrayLike<number>,
  options: HoldoutOptions = {},
): HoldoutResult {
  const n = X.length;
  if (n < 2) throw new InvalidTrainingDataError(`a holdout needs at least 2 rows, got ${n}`);
  if (y.length !== n) throw new InvalidTrainingDataError(`${n} rows but ${y.length} targets`);
  const scale = options.scale;
  if (scale !== undefined) {
    if (scale.length !== n) throw new InvalidTrainingDataError(`${n} rows but ${scale.length} scales`);
    for (let i = 0; i < n; i++) if (!(scale[i] > 0 && Number.isFinite(scale[i]))) throw new InvalidTrainingDataError(`scale ${i} must be a positive finite number, got ${scale[i]}`);
  }
  const offset = options.offset;
  if (offset !== undefined) {
    if (offset.length !== n) throw new InvalidTrainingDataError(`${n} rows but ${offset.length} offsets`);
    for (let i = 0; i < n; i++) if (!Number.isFinite(offset[i])) throw new InvalidTrainingDataError(`offset ${i} must be a finite number, got ${offset[i]}`);
  }
  const fraction = options.holdoutFraction ?? 0.2;
  if (!(fraction > 0 && fraction < 1)) throw new InvalidMlOptionsError(`holdoutFraction must be in (0, 1), got ${fraction}`);

  // One generator drives the shuffle and then the forest, so the seed fixes the whole run.
  const rng = toRandom(options.seed ?? 0);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = nextIndex(rng, i + 1);
    const swap = order[i];
    order[i] = order[j];
    order[j] = swap;
  }
  const testSamples = Math.min(n - 1, Math.max(1, Math.round(n * fraction)));
  const trainSamples = n - testSamples;
  const trainX: ArrayLike<number>[] = [];
  const trainY = new Float64Array(trainSamples);
  for (let k = 0; k < trainSamples; k++) {
    trainX.push(X[order[k]]);
    const i = order[k];
    trainY[k] = (y[i] - (offset === undefined ? 0 : offset[i])) / (scale === undefined ? 1 : scale[i]);
  }
  const model = RegressionForest.fit(trainX, trainY, { ...options, seed: rng });
  const testY = new Float64Array(testSamples);
  const predicted = new Float64Array(testSamples);
  for (let k = 0; k < testSamples; k++) {
    const i = order[trainSamples + k];
    testY[k] = y[i];
    predicted[k] = (offset === undefined ? 0 : offset[i]) + model.predict(X[i]) * (scale === undefined ? 1 : scale[i]);
  }
  return {
    model,
    r2: r2(testY, predicted),
    mae: mae(testY, predicted),
    samples: n,
    trainSamples,
    testSamples,
    importances: model.featureImportances(),
  };
}

function checkPair(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): void {
  if (yTrue.length === 0 || yTrue.length !== yPred.length) {
    throw new InvalidTrainingDataError(`need equal, non-empty lengths, got ${yTrue.length} and ${yPred.length}`);
  }
}
