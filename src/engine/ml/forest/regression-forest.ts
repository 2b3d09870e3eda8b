import { decodeFloat64, decodeInt32, encodeArray, expectTagged, readInt } from '../ml-codec.js';
import { InvalidMlOptionsError, InvalidModelError, InvalidTrainingDataError } from '../ml-errors.js';
import { type MlRandomSource, toRandom } from '../ml-random.js';
import { NodeStore, TreeBuilder, type TreeGrowth } from './tree-builder.js';

/** Hyper-parameters of {@link RegressionForest.fit}; every field is optional. */
export interface RegressionForestOptions {
  /** Trees in the ensemble [10]. */
  nTrees?: number;
  /** Deepest split level; the root is depth 0 [10]. */
  maxDepth?: number;
  /** Fewest distinct in-bag rows a node needs to be split [2]. */
  minSamplesSplit?: number;
  /** Fewest distinct in-bag rows each child must keep [1]. */
  minSamplesLeaf?: number;
  /** Features tried per split: a fraction in (0, 1) of them, or an integer count ≥ 1 [all, as sklearn's regressor]. */
  maxFeatures?: number;
  /** Draw each tree's rows with replacement [true]. */
  bootstrap?: boolean;
  /** Seed or generator for the bootstrap and the feature draws [0]. */
  seed?: MlRandomSource;
}

/** One training row as stored in training_data. */
export interface ForestRow {
  features: number[];
  label: number;
}

/** The tagged JSON form of a {@link RegressionForest}; typed arrays are base64 of their bytes. */
export interface RegressionForestJson {
  name: 'regression-forest';
  version: 1;
  nFeatures: number;
  nTrees: number;
  nodeCount: number;
  nSamples: number;
  roots: string;
  feature: string;
  threshold: string;
  left: string;
  right: string;
  value: string;
  importances: number[];
}

const NAME = 'regression-forest';
const VERSION = 1;

/**
 * A bagged ensemble of CART regression trees (variance-reduction splits), stored as flat typed arrays so that
 * `predict` walks plain numbers and allocates nothing. Same rows and same seed give the same forest, bit for bit.
 */
export class RegressionForest {
  /** The `name` tag of {@link RegressionForest.toJSON} output. */
  static readonly JSON_NAME = NAME;

  private constructor(
    readonly nFeatures: number,
    readonly nSamples: number,
    private readonly roots: Int32Array,
    private readonly feature: Int32Array,
    private readonly threshold: Float64Array,
    private readonly left: Int32Array,
    private readonly right: Int32Array,
    private readonly value: Float64Array,
    private readonly importances: Float64Array,
  ) {}

  /** Number of trees. */
  get nTrees(): number {
    return this.roots.length;
  }

  /** Total number of nodes over all trees. */
  get nodeCount(): number {
    return this.feature.length;
  }

  /**
   * Fits a forest on rows `X` (all the same length, finite) and targets `y`.
   * @throws InvalidTrainingDataError on empty, ragged or non-finite data
   * @throws InvalidMlOptionsError on out-of-range hyper-parameters
   */
  static fit(X: ReadonlyArray<ArrayLike<number>>, y: ArrayLike<number>, options: RegressionForestOptions = {}): RegressionForest {
    const rows = X.length;
    if (rows === 0) throw new InvalidTrainingDataError('no training rows');
    if (y.length !== rows) throw new InvalidTrainingDataError(`${rows} rows but ${y.length} targets`);
    const features = X[0].length;
    if (features === 0) throw new InvalidTrainingDataError('rows have no features');
    const columns = new Float64Array(features * rows);
    const targets = new Float64Array(rows);
    for (let i = 0; i < rows; i++) {
      const row = X[i];
      if (row.length !== features) throw new InvalidTrainingDataError(`row ${i} has ${row.length} features, expected ${features}`);
      for (let f = 0; f < features; f++) {
        if (!Number.isFinite(row[f])) throw new InvalidTrainingDataError(`row ${i} feature ${f} is not finite`);
        columns[f * rows + i] = row[f];
      }
      if (!Number.isFinite(y[i])) throw new InvalidTrainingDataError(`target ${i} is not finite`);
      targets[i] = y[i];
    }
    const nTrees = positiveInt(options.nTrees ?? 10, 'nTrees');
    const growth = resolveGrowth(options, features);
    const rng = toRandom(options.seed ?? 0);
    const bootstrap = options.bootstrap ?? true;

    const builder = new TreeBuilder(columns, targets, rows, features);
    const store = new NodeStore();
    const roots = new Int32Array(nTrees);
    const importances = new Float64Array(features);
    const treeImportances = new Float64Array(features);
    for (let t = 0; t < nTrees; t++) {
      treeImportances.fill(0);
      roots[t] = builder.grow(store, growth, rng, bootstrap, treeImportances);
      // As sklearn: each tree's decreases are normalised before averaging, so every tree weighs the same.
      const total = treeImportances.reduce((a, b) => a + b, 0);
      if (total > 0) for (let f = 0; f < features; f++) importances[f] += treeImportances[f] / total;
    }
    const grand = importances.reduce((a, b) => a + b, 0);
    if (grand > 0) for (let f = 0; f < features; f++) importances[f] /= grand;

    const n = store.count;
    return new RegressionForest(
      features,
      rows,
      roots,
      store.feature.slice(0, n),
      store.threshold.slice(0, n),
      store.left.slice(0, n),
      store.right.slice(0, n),
      store.value.slice(0, n),
      importances,
    );
  }

  /**
   * Rebuilds a forest from {@link RegressionForest.toJSON} output (after JSON.stringify/parse too).
   * @throws InvalidModelError (`ML.INVALID_MODEL`) on a wrong tag, version or shape
   */
  static load(json: unknown): RegressionForest {
    const record = expectTagged(json, NAME, VERSION);
    const nFeatures = readInt(record, 'nFeatures', 1);
    const nTrees = readInt(record, 'nTrees', 1);
    const nodeCount = readInt(record, 'nodeCount', nTrees);
    const nSamples = readInt(record, 'nSamples', 1);
    const roots = decodeInt32(record.roots, 'roots', nTrees, 0, nodeCount - 1);
    const feature = decodeInt32(record.feature, 'feature', nodeCount, -1, nFeatures - 1);
    const threshold = decodeFloat64(record.threshold, 'threshold', nodeCount);
    const left = decodeInt32(record.left, 'left', nodeCount, -1, nodeCount - 1);
    const right = decodeInt32(record.right, 'right', nodeCount, -1, nodeCount - 1);
    const value = decodeFloat64(record.value, 'value', nodeCount);
    for (let i = 0; i < nodeCount; i++) {
      const leaf = feature[i] < 0;
      // Children after their parent guarantees that every walk ends.
      const valid = leaf ? left[i] === -1 && right[i] === -1 : left[i] > i && right[i] > i;
      if (!valid) throw new InvalidModelError(`node ${i} has invalid children`);
    }
    const importances = record.importances;
    if (!Array.isArray(importances) || importances.length !== nFeatures || !importances.every((v) => Number.isFinite(v))) {
      throw new InvalidModelError(`importances must be ${nFeatures} finite numbers`);
    }
    return new RegressionForest(nFeatures, nSamples, roots, feature, threshold, left, right, value, Float64Array.from(importances));
  }

  /** Mean of the trees' predictions for one row; allocation-free. A NaN feature goes right. */
  predict(x: ArrayLike<number>): number {
    const { roots, feature, threshold, left, right, value } = this;
    let sum = 0;
    for (let t = 0; t < roots.length; t++) {
      let node = roots[t];
      let f = feature[node];
      while (f >= 0) {
        node = x[f] <= threshold[node] ? left[node] : right[node];
        f = feature[node];
      }
      sum += value[node];
    }
    return sum / roots.length;
  }

  /** Predictions for many rows. */
  predictMany(X: ReadonlyArray<ArrayLike<number>>): Float64Array {
    const out = new Float64Array(X.length);
    for (let i = 0; i < X.length; i++) out[i] = this.predict(X[i]);
    return out;
  }

  /** Normalised total squared-error decrease per feature (sums to 1, or all 0 when no tree split). */
  featureImportances(): number[] {
    return Array.from(this.importances);
  }

  /** The tagged, JSON-safe form; {@link RegressionForest.load} restores it exactly. */
  toJSON(): RegressionForestJson {
    return {
      name: NAME,
      version: VERSION,
      nFeatures: this.nFeatures,
      nTrees: this.nTrees,
      nodeCount: this.nodeCount,
      nSamples: this.nSamples,
      roots: encodeArray(this.roots),
      feature: encodeArray(this.feature),
      threshold: encodeArray(this.threshold),
      left: encodeArray(this.left),
      right: encodeArray(this.right),
      value: encodeArray(this.value),
      importances: this.featureImportances(),
    };
  }
}

/**
 * Fits a forest on training rows and returns its JSON form: a pure function a worker thread can run and
 * post back (pass a numeric seed; generators do not cross threads).
 */
export function fitForestFromRows(rows: readonly ForestRow[], options: RegressionForestOptions = {}): RegressionForestJson {
  return RegressionForest.fit(
    rows.map((row) => row.features),
    rows.map((row) => row.label),
    options,
  ).toJSON();
}

function positiveInt(value: number, field: string): number {
  if (!Number.isInteger(value) || value < 1) throw new InvalidMlOptionsError(`${field} must be an integer ≥ 1, got ${value}`);
  return value;
}

function resolveGrowth(options: RegressionForestOptions, features: number): TreeGrowth {
  const maxDepth = options.maxDepth ?? 10;
  if (!(maxDepth >= 0) || (!Number.isInteger(maxDepth) && maxDepth !== Infinity)) {
    throw new InvalidMlOptionsError(`maxDepth must be an integer ≥ 0 or Infinity, got ${maxDepth}`);
  }
  const raw = options.maxFeatures ?? features;
  let maxFeatures: number;
  if (raw > 0 && raw < 1) maxFeatures = Math.max(1, Math.floor(raw * features));
  else maxFeatures = Math.min(positiveInt(raw, 'maxFeatures'), features);
  return {
    maxDepth,
    minSamplesSplit: Math.max(2, positiveInt(options.minSamplesSplit ?? 2, 'minSamplesSplit')),
    minSamplesLeaf: positiveInt(options.minSamplesLeaf ?? 1, 'minSamplesLeaf'),
    maxFeatures,
  };
}
