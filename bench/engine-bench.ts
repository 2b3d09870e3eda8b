// Engine throughput benchmark (not a test): `npm run bench:engine [-- --tasks N --retrain-interval K]`.
import { RegressionForest, SimulationEngine } from '../src/engine/index.js';

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} must be a positive integer`);
  return value;
}

const tasks = option('tasks', 100_000);
const retrainInterval = option('retrain-interval', 1000);
const window = option('training-window', 1000);
const seed = option('seed', 42);

const sut = SimulationEngine.create(
  { seed, learning: { mode: 'inline', retrainInterval, trainingWindow: window, minSamples: Math.min(50, window) } },
  { profile: true },
);
let peakRss = process.memoryUsage().rss;
const started = performance.now();
for (let i = 0; i < tasks; i++) {
  sut.step(sut.nextTask());
  if ((i & 1023) === 0) peakRss = Math.max(peakRss, process.memoryUsage().rss);
}
const elapsedMs = performance.now() - started;
peakRss = Math.max(peakRss, process.memoryUsage().rss);

const timings = sut.timings();
const strategyMs = Object.values(timings.strategies).reduce((a, b) => a + b, 0);
const tasksPerS = tasks / (elapsedMs / 1000);
const peakRssMb = peakRss / 2 ** 20;

console.log(`engine bench: ${tasks} tasks, ${sut.strategyNames.length} strategies, retrain every ${retrainInterval} tasks on the latest ${window} labels`);
console.log(`  wall ${elapsedMs.toFixed(0)} ms, ${tasksPerS.toFixed(0)} tasks/s (${((elapsedMs * 1000) / tasks).toFixed(1)} µs/task)`);
console.log('  time share per strategy (decide + run + learn):');
for (const [name, ms] of Object.entries(timings.strategies)) {
  console.log(`    ${name.padEnd(12)} ${((100 * ms) / elapsedMs).toFixed(1).padStart(5)}%  ${((ms * 1000) / tasks).toFixed(2)} µs/task`);
}
console.log(`    ${'retrain'.padEnd(12)} ${((100 * timings.retrainMs) / elapsedMs).toFixed(1).padStart(5)}%  ${timings.retrains} fits, ${(timings.retrainMs / Math.max(1, timings.retrains)).toFixed(1)} ms each`);
console.log(`    ${'other'.padEnd(12)} ${((100 * (elapsedMs - strategyMs - timings.retrainMs)) / elapsedMs).toFixed(1).padStart(5)}%  (workload, oracle, stats, labels)`);
console.log(`  peak RSS ${peakRssMb.toFixed(0)} MB`);
for (const s of sut.summary()) {
  console.log(`    ${s.strategy.padEnd(12)} mean completion ${s.completionTime.mean.toFixed(3)} s, p99 ${s.completionTime.p99.toFixed(3)} s, mean exec ${s.execTime.mean.toFixed(4)} s, wins ${s.wins}`);
}
// The placement model alone: a 10-tree forest on the run's latest 1,000 labels, and one prediction.
const rows = sut.trainingWindow();
const X = rows.map((r) => r.features);
const y = rows.map((r) => r.label);
const fits: number[] = [];
let forest = RegressionForest.fit(X, y, { nTrees: 10, maxDepth: 10, seed: 1 });
for (let k = 0; k < 20; k++) {
  const t = performance.now();
  forest = RegressionForest.fit(X, y, { nTrees: 10, maxDepth: 10, seed: k });
  fits.push(performance.now() - t);
}
fits.sort((a, b) => a - b);
const fitMs = fits[Math.floor(fits.length / 2)];
const PREDICTIONS = 200_000;
let sink = 0;
const predictStarted = performance.now();
for (let k = 0; k < PREDICTIONS; k++) sink += forest.predict(X[k % X.length]);
const predictUs = ((performance.now() - predictStarted) * 1000) / PREDICTIONS;
console.log(`  forest: 10 trees on ${rows.length}×5 rows fitted in ${fitMs.toFixed(1)} ms (median of 20); one prediction ${predictUs.toFixed(2)} µs (checksum ${sink.toFixed(1)})`);
console.log(
  JSON.stringify({
    bench: 'engine',
    tasks_per_s: Math.round(tasksPerS),
    peak_rss_mb: Math.round(peakRssMb),
    retrain_ms: Math.round(timings.retrainMs),
    forest_fit_ms: Number(fitMs.toFixed(1)),
    predict_us: Number(predictUs.toFixed(2)),
  }),
);
