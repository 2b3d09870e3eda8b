// Engine throughput benchmark (not a test): `npm run bench:engine [-- --tasks N --retrain-interval K]`.
import { SimulationEngine } from '../src/simulation/engine/index.js';

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
console.log(
  JSON.stringify({
    bench: 'engine',
    tasks_per_s: Math.round(tasksPerS),
    peak_rss_mb: Math.round(peakRssMb),
    retrain_ms: Math.round(timings.retrainMs),
  }),
);
