import { trainWithHoldout } from '../ml/forest/metrics.js';
import { RegressionForest, type RegressionForestOptions } from '../ml/forest/regression-forest.js';
import { expectTagged, readNumber, readRecord } from '../ml/ml-codec.js';
import { InvalidModelError } from '../ml/ml-errors.js';
import { FEATURE_NAMES } from '../workload/task.js';

const NAME = 'placement-model';
const VERSION = 1;
const INTENSITY = FEATURE_NAMES.indexOf('compute_intensity');

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
  version: typeof VERSION;
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

/**
 * hybrid_ml's learned model: a regression forest over the five task features that predicts f* as
 * a share of the compute-bound split. A forest predicts the mean of the training rows nearest a
 * task and cannot extrapolate: fitted on f* itself, it gives a task far larger than any it has seen
 * the f* of the largest ones seen, too low by up to 0.1, and on the largest tasks that costs the
 * most time. Their share of the split is near 1 whatever their size, so it carries over.
 */
export class PlacementModel {
  private constructor(
    private readonly forest: RegressionForest,
    readonly gpuSpeedupPerIntensity: number,
    // False for a forest saved before models learned the share (see load): it predicts f itself.
    private readonly learnsShare = true,
  ) {}

  /**
   * Fits on rows of features and f* labels. With a held-out share, R² and MAE (of f) come from a
   * fit on the rest scored on it; the model returned is then fitted on every row, so the newest
   * rows count too (on the largest tasks they are worth a few percent of exec time).
   */
  static fit(X: ReadonlyArray<ArrayLike<number>>, y: ArrayLike<number>, options: PlacementFitOptions): PlacementFit {
    const { gpuSpeedupPerIntensity, holdoutFraction, ...forestOptions } = options;
    const scale = X.map((x) => computeBoundSplit(x[INTENSITY], gpuSpeedupPerIntensity));
    const forest = RegressionForest.fit(X, Float64Array.from(X, (_, i) => y[i] / scale[i]), forestOptions);
    const model = new PlacementModel(forest, gpuSpeedupPerIntensity);
    const fit = { model, r2: null, mae: null, samples: X.length, importances: forest.featureImportances() };
    if (!(holdoutFraction > 0 && X.length >= 2)) return fit;
    const scored = trainWithHoldout(X, y, { ...forestOptions, holdoutFraction, scale });
    return { ...fit, r2: scored.r2, mae: scored.mae };
  }

  /**
   * Rebuilds a model from {@link PlacementModel.toJSON} output.
   * @throws InvalidModelError (`ML.INVALID_MODEL`) on a wrong tag, version or shape
   */
  static load(json: unknown): PlacementModel {
    // Checkpoints written before placement models existed hold the bare forest, fitted on f itself:
    // a run interrupted then resumes with it, and replaces it at its next retrain.
    if (typeof json === 'object' && json !== null && (json as { name?: unknown }).name === RegressionForest.JSON_NAME) {
      return new PlacementModel(RegressionForest.load(json), 0, false);
    }
    const record = expectTagged(json, NAME, VERSION);
    const k = readNumber(record, 'gpuSpeedupPerIntensity');
    if (!(k >= 0)) throw new InvalidModelError(`gpuSpeedupPerIntensity must be ≥ 0, got ${k}`);
    return new PlacementModel(RegressionForest.load(readRecord(record, 'forest')), k);
  }

  get nSamples(): number {
    return this.forest.nSamples;
  }

  /** f for a task's features (not clipped). */
  predict(features: ArrayLike<number>): number {
    const predicted = this.forest.predict(features);
    return this.learnsShare ? predicted * computeBoundSplit(features[INTENSITY], this.gpuSpeedupPerIntensity) : predicted;
  }

  featureImportances(): number[] {
    return this.forest.featureImportances();
  }

  toJSON(): PlacementModelJson | ReturnType<RegressionForest['toJSON']> {
    if (!this.learnsShare) return this.forest.toJSON();
    return { name: NAME, version: VERSION, gpuSpeedupPerIntensity: this.gpuSpeedupPerIntensity, forest: this.forest.toJSON() };
  }
}
