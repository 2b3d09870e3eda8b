import { trainWithHoldout } from '../ml/forest/metrics.js';
import { RegressionForest, type RegressionForestOptions } from '../ml/forest/regression-forest.js';
import { expectTagged, readNumber, readRecord } from '../ml/ml-codec.js';
import { InvalidModelError } from '../ml/ml-errors.js';
import { FEATURE_NAMES } from '../workload/task.js';

const NAME = 'placement-model';
// Version 1 learned f* as a share of the compute-bound split; version 2 learns the transfer's share.
const VERSION = 2;
const SHARE_VERSION = 1;
const INTENSITY = FEATURE_NAMES.indexOf('compute_intensity');
const MEMORY_PER_SIZE = FEATURE_NAMES.indexOf('memory_per_size');
// Keeps the transfer target finite for a task with no memory (its transfer share is 0 anyway).
const MEMORY_PER_SIZE_FLOOR = 1e-3;

/** What the forest of a placement model predicts: f itself, its share of the split, or the transfer's share. */
type Target = 'f' | 'share' | 'transfer';

/** How a placement model is fitted: the forest's options, the machine's speedup, the held-out share. */
export interface PlacementFitOptions extends RegressionForestOptions {
  seed: number;
  /** The machine's k in s = 1 + k · compute_intensity. */
  gpuSpeedupPerIntensity: number;
  /** Share of rows held out for R² and MAE, in (0, 1); 0 fits on every row and scores nothing. */
  holdoutFraction: number;
}

export interface PlacementFit {
  model: PlacementModel;
  r2: number | null;
  mae: number | null;
  samples: number;
  importances: number[];
}

export interface PlacementModelJson {
  name: typeof NAME;
  version: typeof VERSION | typeof SHARE_VERSION;
  gpuSpeedupPerIntensity: number;
  forest: unknown;
}

/**
 * The split that balances a task's CPU and GPU parts when the transfer is free: s / (1 + s). The
 * oracle's f* is this times (1 − c/t), which is close to 1 for every task but the smallest.
 */
export function computeBoundSplit(computeIntensity: number, gpuSpeedupPerIntensity: number): number {
  const s = 1 + gpuSpeedupPerIntensity * computeIntensity;
  return s / (1 + s);
}

// f = offset + scale · (forest's prediction), per task; the forest is fitted on (f* − offset) / scale.
function offsetOf(features: ArrayLike<number>, k: number, target: Target): number {
  return target === 'transfer' ? computeBoundSplit(features[INTENSITY], k) : 0;
}

function scaleOf(features: ArrayLike<number>, k: number, target: Target): number {
  if (target === 'f') return 1;
  const split = computeBoundSplit(features[INTENSITY], k);
  return target === 'share' ? split : split * (features[MEMORY_PER_SIZE] + MEMORY_PER_SIZE_FLOOR);
}

/**
 * hybrid_ml's learned model: a regression forest over the five task features. A forest predicts
 * the mean of the training rows nearest a task and cannot extrapolate: fitted on f* itself, it
 * gives a task far larger than any it has seen the f* of the largest ones seen, too low by up to
 * 0.1, and on the largest tasks that costs the most time. So it learns what carries over:
 * f* = split · (1 − c/t), with the compute-bound split s / (1 + s) known from the machine, and the
 * transfer's share c/t (memory over a duration that grows faster than size) learned per unit of
 * memory_per_size, so the share it predicts falls with a task's size even past the largest seen.
 * Early in a run, when the largest tasks are still to come, that is worth several points of exec time.
 */
export class PlacementModel {
  private constructor(
    private readonly forest: RegressionForest,
    readonly gpuSpeedupPerIntensity: number,
    // 'transfer' for models fitted now; 'share' for version 1 and 'f' for a bare forest (see load).
    private readonly target: Target = 'transfer',
  ) {}

  /**
   * Fits on rows of features and f* labels. With a held-out share, R² and MAE (of f) come from a
   * fit on the rest scored on it; the model returned is then fitted on every row, so the newest
   * rows count too (on the largest tasks they are worth a few percent of exec time).
   */
  static fit(X: ReadonlyArray<ArrayLike<number>>, y: ArrayLike<number>, options: PlacementFitOptions): PlacementFit {
    const { gpuSpeedupPerIntensity: k, holdoutFraction, ...forestOptions } = options;
    const offset = X.map((x) => offsetOf(x, k, 'transfer'));
    const scale = X.map((x) => scaleOf(x, k, 'transfer'));
    const forest = RegressionForest.fit(X, Float64Array.from(X, (_, i) => (y[i] - offset[i]) / scale[i]), forestOptions);
    const model = new PlacementModel(forest, k);
    const fit = { model, r2: null, mae: null, samples: X.length, importances: forest.featureImportances() };
    if (!(holdoutFraction > 0 && X.length >= 2)) return fit;
    const scored = trainWithHoldout(X, y, { ...forestOptions, holdoutFraction, scale, offset });
    return { ...fit, r2: scored.r2, mae: scored.mae };
  }

  /**
   * Rebuilds a model from {@link PlacementModel.toJSON} output.
   * @throws InvalidModelError (`ML.INVALID_MODEL`) on a wrong tag, version or shape
   */
  static load(json: unknown): PlacementModel {
    // Checkpoints written before placement models existed hold the bare forest, fitted on f itself,
    // and those written before version 2 a forest fitted on the share of the split: a run
    // interrupted then resumes with its model as it was, and replaces it at its next retrain.
    if (typeof json === 'object' && json !== null && (json as { name?: unknown }).name === RegressionForest.JSON_NAME) {
      return new PlacementModel(RegressionForest.load(json), 0, 'f');
    }
    const version = (json as { version?: unknown } | null)?.version;
    const record = expectTagged(json, NAME, version === SHARE_VERSION ? SHARE_VERSION : VERSION);
    const k = readNumber(record, 'gpuSpeedupPerIntensity');
    if (!(k >= 0)) throw new InvalidModelError(`gpuSpeedupPerIntensity must be ≥ 0, got ${k}`);
    return new PlacementModel(RegressionForest.load(readRecord(record, 'forest')), k, version === SHARE_VERSION ? 'share' : 'transfer');
  }

  get nSamples(): number {
    return this.forest.nSamples;
  }

  /** f for a task's features (not clipped). */
  predict(features: ArrayLike<number>): number {
    const predicted = this.forest.predict(features);
    if (this.target === 'f') return predicted;
    const k = this.gpuSpeedupPerIntensity;
    return offsetOf(features, k, this.target) + scaleOf(features, k, this.target) * predicted;
  }

  featureImportances(): number[] {
    return this.forest.featureImportances();
  }

  toJSON(): PlacementModelJson | ReturnType<RegressionForest['toJSON']> {
    if (this.target === 'f') return this.forest.toJSON();
    const version = this.target === 'share' ? SHARE_VERSION : VERSION;
    return { name: NAME, version, gpuSpeedupPerIntensity: this.gpuSpeedupPerIntensity, forest: this.forest.toJSON() };
  }
}
