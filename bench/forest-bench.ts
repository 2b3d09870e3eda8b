// Our regression forest against ml-random-forest on the engine's own training data (not a test):
// `npm run bench:forest [-- --sizes 500,1000,2000,10000 --seed 42 --budget-s 120]`.
//
// The rows are what hybrid_ml's learner sees: generated tasks, their five features and the oracle's f*.
// Both forests fit the target PlacementModel gives its forest (the transfer's share per unit of
// memory_per_size) with the engine's default forest settings, and are scored on f over tasks of another seed.
import { RandomForestRegression } from 'ml-random-forest';
import {
  computeBoundSplit,
  DEFAULT_ENGINE_CONFIG,
  FEATURE_NAMES,
  generateTask,
  oracleDecision,
  PlacementModel,
  RegressionForest,
  RngStreams,
  taskFeatures,
} from '../src/engine/index.js';
import { cpuMs, median, option } from './support/cpu.js';

const sizes = option('sizes', '500,1000,2000,10000').split(',').map(Number);
const seed = Number(option('seed', '42'));
// ml-random-forest's splits cost O(rows²) per feature and node: past this projected fit time it is timed on
// one tree only, and its accuracy is not measured.
const budgetMs = Number(option('budget-s', '120')) * 1000;
const TEST_ROWS = 5000;

const { workload, machine, learning } = DEFAULT_ENGINE_CONFIG;
const { forest } = learning;
const k = machine.gpuSpeedupPerIntensity;
const INTENSITY = FEATURE_NAMES.indexOf('compute_intensity');
const MEMORY_PER_SIZE = FEATURE_NAMES.indexOf('memory_per_size');

interface Rows {
  X: number[][];
  f: number[];
}

function engineRows(count: number, streamSeed: number): Rows {
  const rng = RngStreams.fromSeed(streamSeed, ['workload']).get('workload');
  const X: number[][] = [];
  const f: number[] = [];
  let arrival = 0;
  for (let i = 0; i < count; i++) {
    const task = generateTask(rng, workload, i, arrival);
    arrival = task.arrivalTime;
    X.push(taskFeatures(task));
    f.push(oracleDecision(task, machine).gpuFraction);
  }
  return { X, f };
}

// PlacementModel's forest target: f = split + split · (memory_per_size + 1e-3) · target. Checked below against
// PlacementModel itself, so a change there shows up here as an error instead of a silently different bench.
const splitOf = (x: ArrayLike<number>): number => computeBoundSplit(x[INTENSITY], k);
const scaleOf = (x: ArrayLike<number>): number => splitOf(x) * (x[MEMORY_PER_SIZE] + 1e-3);
const toTarget = (x: ArrayLike<number>, f: number): number => (f - splitOf(x)) / scaleOf(x);
const toF = (x: ArrayLike<number>, target: number): number => splitOf(x) + scaleOf(x) * target;

function r2(y: ArrayLike<number>, p: ArrayLike<number>): number {
  let mean = 0;
  for (let i = 0; i < y.length; i++) mean += y[i];
  mean /= y.length;
  let residual = 0;
  let total = 0;
  for (let i = 0; i < y.length; i++) {
    residual += (y[i] - p[i]) ** 2;
    total += (y[i] - mean) ** 2;
  }
  return 1 - residual / total;
}

function mae(y: ArrayLike<number>, p: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < y.length; i++) sum += Math.abs(y[i] - p[i]);
  return sum / y.length;
}

function sameBits(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

/** One implementation behind the same four calls. */
interface Contender {
  name: string;
  fit(X: number[][], y: number[], seed: number, trees: number): unknown;
  predict(model: unknown, X: number[][]): ArrayLike<number>;
  toJson(model: unknown): unknown;
  load(json: unknown): unknown;
}

const ours: Contender = {
  name: 'RegressionForest (ours)',
  fit: (X, y, s, trees) =>
    RegressionForest.fit(X, y, {
      nTrees: trees,
      maxDepth: forest.maxDepth,
      minSamplesSplit: forest.minSamplesSplit,
      minSamplesLeaf: forest.minSamplesLeaf,
      bootstrap: forest.bootstrap,
      seed: s,
    }),
  predict: (model, X) => (model as RegressionForest).predictMany(X),
  toJson: (model) => (model as RegressionForest).toJSON(),
  load: (json) => RegressionForest.load(json),
};

const library: Contender = {
  name: 'ml-random-forest 2.1',
  fit: (X, y, s, trees) => {
    const model = new RandomForestRegression({
      nEstimators: trees,
      // All features per tree, rows drawn with replacement: the engine's settings (maxFeatures 0, bootstrap).
      maxFeatures: 1.0,
      replacement: false,
      useSampleBagging: forest.bootstrap,
      noOOB: true,
      seed: s,
      // A node of ≤ minNumSamples rows is a leaf: our minSamplesSplit 4. ml-cart has no minimum leaf size.
      treeOptions: { maxDepth: forest.maxDepth, minNumSamples: forest.minSamplesSplit - 1 },
    });
    model.train(X, y);
    return model;
  },
  predict: (model, X) => (model as RandomForestRegression).predict(X),
  toJson: (model) => (model as RandomForestRegression).toJSON(),
  load: (json) => RandomForestRegression.load(json as ReturnType<RandomForestRegression['toJSON']>),
};

interface Row {
  size: number;
  name: string;
  fitMs: number;
  fitWallMs: number;
  fits: number;
  projected: boolean;
  predictUs: number | null;
  r2: number | null;
  mae: number | null;
  deterministic: boolean | null;
  jsonBytes: number | null;
  roundTrip: boolean | null;
  roundTripMs: number | null;
}

const test = engineRows(TEST_ROWS, seed + 1);
const all = engineRows(Math.max(...sizes), seed);

// The bench's target must be PlacementModel's: the same seed must give the same predictions.
{
  const X = all.X.slice(0, 500);
  const f = all.f.slice(0, 500);
  const fitted = PlacementModel.fit(X, f, {
    nTrees: forest.nTrees,
    maxDepth: forest.maxDepth,
    minSamplesSplit: forest.minSamplesSplit,
    minSamplesLeaf: forest.minSamplesLeaf,
    bootstrap: forest.bootstrap,
    seed: 7,
    gpuSpeedupPerIntensity: k,
    holdoutFraction: 0,
  }).model;
  const mine = ours.fit(X, X.map((x, i) => toTarget(x, f[i])), 7, forest.nTrees) as RegressionForest;
  const a = test.X.map((x) => fitted.predict(x));
  const b = test.X.map((x) => toF(x, mine.predict(x)));
  if (!sameBits(a, b)) throw new Error('the bench target no longer matches PlacementModel: update toTarget/toF');
}

const rows: Row[] = [];
for (const size of sizes) {
  const X = all.X.slice(0, size);
  const y = X.map((x, i) => toTarget(x, all.f[i]));
  for (const contender of [ours, library]) {
    const row: Row = {
      size,
      name: contender.name,
      fitMs: 0,
      fitWallMs: 0,
      fits: 0,
      projected: false,
      predictUs: null,
      r2: null,
      mae: null,
      deterministic: null,
      jsonBytes: null,
      roundTrip: null,
      roundTripMs: null,
    };
    rows.push(row);
    // One tree first: it tells whether the whole forest fits in the budget.
    let started = cpuMs();
    contender.fit(X, y, seed, 1);
    const oneTreeMs = cpuMs() - started;
    if (oneTreeMs * forest.nTrees > budgetMs) {
      row.fitMs = oneTreeMs * forest.nTrees;
      row.fitWallMs = Number.NaN;
      row.fits = 1;
      row.projected = true;
      continue;
    }
    // Repeat cheap fits for a steady median; at least one, at most 10, within about the budget.
    const times: number[] = [];
    const wallTimes: number[] = [];
    let model: unknown;
    const repeats = Math.max(1, Math.min(10, Math.floor(budgetMs / 4 / (oneTreeMs * forest.nTrees + 1))));
    // The fits vary the seed; the first, on `seed` itself, is the model scored below.
    for (let r = repeats - 1; r >= 0; r--) {
      started = cpuMs();
      const wallStarted = performance.now();
      model = contender.fit(X, y, seed + r, forest.nTrees);
      times.push(cpuMs() - started);
      wallTimes.push(performance.now() - wallStarted);
    }
    row.fitMs = median(times);
    row.fitWallMs = median(wallTimes);
    row.fits = repeats;

    started = cpuMs();
    const predicted = contender.predict(model, test.X);
    row.predictUs = ((cpuMs() - started) * 1000) / test.X.length;
    const f = Array.from(predicted, (p, i) => toF(test.X[i], p));
    row.r2 = r2(test.f, f);
    row.mae = mae(test.f, f);

    const again = contender.predict(contender.fit(X, y, seed, forest.nTrees), test.X);
    row.deterministic = sameBits(predicted, again);

    started = cpuMs();
    const text = JSON.stringify(contender.toJson(model));
    const loaded = contender.load(JSON.parse(text));
    row.roundTripMs = cpuMs() - started;
    row.jsonBytes = Buffer.byteLength(text);
    row.roundTrip = sameBits(predicted, contender.predict(loaded, test.X));
  }
}

const show = (value: number | null, digits: number): string => (value === null ? '—' : value.toFixed(digits));
const yesNo = (value: boolean | null): string => (value === null ? '—' : value ? 'yes' : 'NO');
console.log(
  `forest bench: ${forest.nTrees} trees, maxDepth ${forest.maxDepth}, minSamplesSplit ${forest.minSamplesSplit}, bootstrap ${forest.bootstrap}; ` +
    `engine tasks of seed ${seed}, scored on f over ${TEST_ROWS} tasks of seed ${seed + 1}; times are CPU time of this process`,
);
console.log('| rows | forest | fit | predict / row | R² of f | MAE of f | same seed, same predictions | JSON | round trip equal (stringify + parse + load) |');
console.log('| ---: | --- | ---: | ---: | ---: | ---: | --- | ---: | --- |');
for (const r of rows) {
  const fit = r.projected
    ? `~${(r.fitMs / 1000).toFixed(0)} s (1 tree × ${forest.nTrees})`
    : `${show(r.fitMs, 1)} ms (median of ${r.fits}; wall ${show(r.fitWallMs, 1)} ms)`;
  const json = r.jsonBytes === null ? '—' : `${(r.jsonBytes / 1024).toFixed(0)} KiB`;
  const trip = r.roundTrip === null ? '—' : `${yesNo(r.roundTrip)} (${show(r.roundTripMs, 1)} ms)`;
  console.log(
    `| ${r.size} | ${r.name} | ${fit} | ${r.predictUs === null ? '—' : `${show(r.predictUs, 2)} µs`} | ${show(r.r2, 4)} | ${show(r.mae, 5)} | ${yesNo(r.deterministic)} | ${json} | ${trip} |`,
  );
}
console.log(
  JSON.stringify({
    bench: 'forest',
    rows: rows.map((r) => ({
      size: r.size,
      forest: r.name,
      fit_cpu_ms: Math.round(r.fitMs),
      fit_wall_ms: Number.isNaN(r.fitWallMs) ? null : Math.round(r.fitWallMs),
      projected: r.projected,
      predict_us: r.predictUs === null ? null : Number(r.predictUs.toFixed(2)),
      r2: r.r2 === null ? null : Number(r.r2.toFixed(4)),
      mae: r.mae === null ? null : Number(r.mae.toFixed(5)),
      deterministic: r.deterministic,
      json_bytes: r.jsonBytes,
      round_trip: r.roundTrip,
    })),
  }),
);
