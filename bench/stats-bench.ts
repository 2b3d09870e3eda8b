// Our quantile sketch and request histogram against libraries (not a test): `npm run bench:stats [-- --values N --seed S]`.
//
// Sketches: the engine's QuantileSketch, @datadog/sketches-js (DDSketch, the algorithm ours follows) and
// tdigest, fed the same heavy-tailed values (durations of generated tasks) at the engine's relative accuracy;
// each quantile is compared with the exact one by the same lower-rank rule.
// Histograms: RequestHistogram against prom-client's Histogram, observed with the labels of real routes.
import { DDSketch } from '@datadog/sketches-js';
import { Histogram, Registry } from 'prom-client';
import tdigest from 'tdigest';
import { DEFAULT_ENGINE_CONFIG, generateTask, RngStreams } from '../src/engine/index.js';
import { QuantileSketch } from '../src/engine/stats/quantile-sketch.js';
import { RequestHistogram } from '../src/http/fast-path/request-histogram.js';
import { cpuMs, intOption as option } from './support/cpu.js';

const count = option('values', 1_000_000);
const seed = option('seed', 42);
const QUANTILES = [0.5, 0.9, 0.95, 0.99, 0.999];
const alpha = DEFAULT_ENGINE_CONFIG.stats.relativeAccuracy;

const values = new Float64Array(count);
{
  const rng = RngStreams.fromSeed(seed, ['workload']).get('workload');
  let arrival = 0;
  for (let i = 0; i < count; i++) {
    const task = generateTask(rng, DEFAULT_ENGINE_CONFIG.workload, i, arrival);
    arrival = task.arrivalTime;
    values[i] = task.durationEstimate;
  }
}
const sorted = Float64Array.from(values).sort();
const exact = (q: number): number => sorted[Math.floor(q * (count - 1))];

interface SketchContender {
  name: string;
  build(): { add(v: number): void; quantile(q: number): number; bytes(): number };
}

const sketches: SketchContender[] = [
  {
    name: `QuantileSketch (ours, α ${alpha})`,
    build() {
      const s = QuantileSketch.create(alpha);
      return { add: (v) => s.add(v), quantile: (q) => s.quantile(q), bytes: () => Buffer.byteLength(JSON.stringify(s.toJSON())) };
    },
  },
  {
    name: `@datadog/sketches-js DDSketch (α ${alpha})`,
    build() {
      const s = new DDSketch({ relativeAccuracy: alpha });
      return { add: (v) => s.accept(v), quantile: (q) => s.getValueAtQuantile(q), bytes: () => s.toProto().byteLength };
    },
  },
  {
    name: 'tdigest 0.1 (δ 0.01, its default)',
    build() {
      const s = new tdigest.TDigest();
      return { add: (v) => s.push(v), quantile: (q) => s.percentile(q), bytes: () => Buffer.byteLength(JSON.stringify(s.toArray())) };
    },
  },
];

console.log(`stats bench: ${count.toLocaleString('en')} task durations of seed ${seed} (min ${sorted[0].toFixed(3)} s, max ${sorted[count - 1].toFixed(0)} s)`);
console.log(`| sketch | add / value | worst relative error at p${QUANTILES.map((q) => q * 100).join(', p')} | serialised | same input, same answers | answers equal ours |`);
console.log('| --- | ---: | ---: | ---: | --- | --- |');
const sketchResults: Record<string, unknown>[] = [];
let oursAnswers: number[] | null = null;
for (const contender of sketches) {
  const sketch = contender.build();
  const started = cpuMs();
  for (let i = 0; i < count; i++) sketch.add(values[i]);
  const addNs = ((cpuMs() - started) * 1e6) / count;
  const answers = QUANTILES.map((q) => sketch.quantile(q));
  const worst = Math.max(...answers.map((a, i) => Math.abs(a - exact(QUANTILES[i])) / exact(QUANTILES[i])));
  const again = contender.build();
  for (let i = 0; i < count; i++) again.add(values[i]);
  const same = QUANTILES.every((q, i) => Object.is(again.quantile(q), answers[i]));
  const bytes = sketch.bytes();
  oursAnswers ??= answers;
  const asOurs = answers.every((a, i) => Object.is(a, oursAnswers?.[i]));
  console.log(`| ${contender.name} | ${addNs.toFixed(0)} ns | ${(worst * 100).toFixed(3)}% | ${(bytes / 1024).toFixed(1)} KiB | ${same ? 'yes' : 'NO'} | ${asOurs ? 'yes' : 'no'} |`);
  sketchResults.push({ sketch: contender.name, add_ns: Math.round(addNs), worst_rel_error: Number(worst.toFixed(5)), bytes, deterministic: same });
}

// Request histogram: the label sets a busy service sees (routes × methods × statuses), in a fixed rotation.
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const ROUTES = ['/health', '/ready', '/api/simulation/runs/:id/leaderboard', '/api/tasks/placement', '/api/training/data', '/metrics'];
const SERIES = ROUTES.flatMap((route) => ['GET', 'POST'].flatMap((method) => [200, 404].map((status) => ({ route, method, status }))));
const OBSERVATIONS = 2_000_000;
const seconds = (i: number): number => values[i % count] / 1000;

function timeObserve(observe: (i: number) => void): number {
  for (let i = 0; i < 100_000; i++) observe(i); // warm-up
  const started = cpuMs();
  for (let i = 0; i < OBSERVATIONS; i++) observe(i);
  return ((cpuMs() - started) * 1e6) / OBSERVATIONS;
}

const ourRegistry = new Registry();
const ours = new RequestHistogram('http_request_duration_seconds', 'Request duration', BUCKETS);
ourRegistry.registerMetric(ours as unknown as Histogram);
const theirRegistry = new Registry();
const theirs = new Histogram({ name: 'http_request_duration_seconds', help: 'Request duration', labelNames: ['route', 'method', 'status'], buckets: BUCKETS, registers: [theirRegistry] });
// prom-client's bound child (`labels(...)`, kept per series) still checks and hashes the labels on every observe.
const children = SERIES.map(({ route, method, status }) => theirs.labels(route, method, String(status)));

const oursNs = timeObserve((i) => {
  const s = SERIES[i % SERIES.length];
  ours.observe(s.route, s.method, s.status, seconds(i));
});
const theirsNs = timeObserve((i) => {
  const s = SERIES[i % SERIES.length];
  theirs.observe({ route: s.route, method: s.method, status: String(s.status) }, seconds(i));
});
const childNs = timeObserve((i) => children[i % SERIES.length].observe(seconds(i)));
// Both exports from the same observations, after the timing loops' counts are cleared.
ourRegistry.resetMetrics();
theirRegistry.resetMetrics();
for (let i = 0; i < 10_000; i++) {
  const s = SERIES[i % SERIES.length];
  ours.observe(s.route, s.method, s.status, seconds(i));
  theirs.observe({ route: s.route, method: s.method, status: String(s.status) }, seconds(i));
}
const sameText = (await ourRegistry.metrics()) === (await theirRegistry.metrics());

console.log(`request histogram: ${OBSERVATIONS.toLocaleString('en')} observations over ${SERIES.length} series, ${BUCKETS.length} buckets`);
console.log('| histogram | observe |');
console.log('| --- | ---: |');
console.log(`| RequestHistogram (ours) | ${oursNs.toFixed(0)} ns |`);
console.log(`| prom-client Histogram, observe(labels, v) | ${theirsNs.toFixed(0)} ns |`);
console.log(`| prom-client Histogram, child from labels() kept per series | ${childNs.toFixed(0)} ns |`);
console.log(`  exposition text identical after the same 10,000 observations: ${sameText ? 'yes' : 'NO'}`);
console.log(
  JSON.stringify({
    bench: 'stats',
    sketches: sketchResults,
    histogram_observe_ns: { ours: Math.round(oursNs), prom_client: Math.round(theirsNs), prom_client_child: Math.round(childNs) },
    histogram_text_identical: sameText,
  }),
);
