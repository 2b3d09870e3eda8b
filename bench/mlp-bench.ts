// rl_agent's Q-network (our Mlp) against TensorFlow.js's pure-JS CPU backend on the same network and batch
// (not a test): `npm run bench:mlp [-- --steps N]`.
//
// The engine's default rl_agent: state of 6 + 4 GPUs, one hidden ReLU layer of 32, six fraction bins, Adam at
// 0.005, batches of 32 on a masked squared error (each sample supervises the Q-value of its own action).
// Measured: one training step, and one forward pass of a single state (what every task's decision costs).
//
// TensorFlow.js is not a dependency (273 MB installed, for this comparison only). To include it:
//   npm install --no-save @tensorflow/tfjs@4.22.0 && npm run bench:mlp
import { DEFAULT_ENGINE_CONFIG } from '../src/engine/index.js';
import { Mlp } from '../src/engine/ml/mlp/mlp.js';
import { nextIndex, nextUnit, toRandom } from '../src/engine/ml/ml-random.js';
import { cpuMs, intOption as option } from './support/cpu.js';

const steps = option('steps', 5000);
const { rl, gpus } = DEFAULT_ENGINE_CONFIG;
const inputs = 6 + gpus;
const outputs = rl.fractionBins.length;
const hidden = rl.hidden[0];
const batch = rl.batchSize;
const FORWARDS = 50_000;

// A fixed pool of batches, so both see the same data and drawing it costs neither anything.
const rng = toRandom(42);
const POOL = 64;
const states = Array.from({ length: POOL }, () => Float64Array.from({ length: batch * inputs }, () => nextUnit(rng)));
const actions = Array.from({ length: POOL }, () => Int32Array.from({ length: batch }, () => nextIndex(rng, outputs)));
const targets = Array.from({ length: POOL }, () => Float64Array.from({ length: batch }, () => -nextUnit(rng)));

function perCallUs(calls: number, body: (i: number) => void): number {
  for (let i = 0; i < Math.min(500, calls); i++) body(i); // warm-up
  const started = cpuMs();
  for (let i = 0; i < calls; i++) body(i);
  return ((cpuMs() - started) * 1000) / calls;
}

// Ours.
const mlp = Mlp.create({ layers: [inputs, hidden, outputs], learningRate: rl.learningRate, clipNorm: 10, seed: 1 });
const oursTrainUs = perCallUs(steps, (i) => mlp.trainBatch(states[i % POOL], actions[i % POOL], targets[i % POOL], batch));
const out = new Float64Array(outputs);
let sink = 0;
const oursForwardUs = perCallUs(FORWARDS, (i) => {
  sink += mlp.forward(states[i % POOL], out, (i % batch) * inputs)[0];
});

// The part of TensorFlow.js this bench calls (it is loaded only when installed, so it brings no types).
interface Tensor {
  dataSync(): Float32Array;
}
interface TfLike {
  version_core: string;
  setBackend(name: string): Promise<boolean>;
  ready(): Promise<void>;
  variable(initial: Tensor): Tensor;
  tensor1d(values: ArrayLike<number>, dtype?: 'int32' | 'float32'): Tensor;
  tensor2d(values: ArrayLike<number>, shape: [number, number]): Tensor;
  randomNormal(shape: number[], mean: number, std: number, dtype: 'float32', seed: number): Tensor;
  randomUniform(shape: number[], min: number, max: number, dtype: 'float32', seed: number): Tensor;
  zeros(shape: number[]): Tensor;
  oneHot(indices: Tensor, depth: number): Tensor;
  add(a: Tensor, b: Tensor): Tensor;
  sub(a: Tensor, b: Tensor): Tensor;
  mul(a: Tensor | number, b: Tensor): Tensor;
  matMul(a: Tensor, b: Tensor): Tensor;
  relu(a: Tensor): Tensor;
  square(a: Tensor): Tensor;
  sum(a: Tensor, axis: number): Tensor;
  mean(a: Tensor): Tensor;
  tidy<T>(fn: () => T): T;
  train: { adam(learningRate: number): { minimize(loss: () => Tensor): unknown } };
  memory(): { numTensors: number };
}

// A variable keeps the compiler from resolving the package, which is absent from a plain install.
const TFJS = '@tensorflow/tfjs';
const tf = (await import(TFJS).catch(() => null)) as TfLike | null;

// TensorFlow.js, CPU backend (float32). Same shapes, same loss, its own Adam.
async function measureTfjs(tf: TfLike): Promise<{ trainUs: number; forwardUs: number; alive: number }> {
  await tf.setBackend('cpu');
  await tf.ready();
  const w1 = tf.variable(tf.randomNormal([inputs, hidden], 0, Math.sqrt(2 / inputs), 'float32', 1));
  const b1 = tf.variable(tf.zeros([hidden]));
  const limit = Math.sqrt(6 / (hidden + outputs));
  const w2 = tf.variable(tf.randomUniform([hidden, outputs], -limit, limit, 'float32', 2));
  const b2 = tf.variable(tf.zeros([outputs]));
  const optimizer = tf.train.adam(rl.learningRate);
  const forward = (x: Tensor): Tensor => tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(x, w1), b1)), w2), b2);
  const stateBatches = states.map((s) => Float32Array.from(s));
  const trainUs = perCallUs(steps, (i) => {
    const k = i % POOL;
    tf.tidy(() => {
      const x = tf.tensor2d(stateBatches[k], [batch, inputs]);
      const mask = tf.oneHot(tf.tensor1d(actions[k], 'int32'), outputs);
      const y = tf.tensor1d(Float32Array.from(targets[k]));
      optimizer.minimize(() => tf.mul(0.5, tf.mean(tf.square(tf.sub(tf.sum(tf.mul(forward(x), mask), 1), y)))));
    });
  });
  const forwardUs = perCallUs(FORWARDS / 10, (i) => {
    const k = i % POOL;
    const row = (i % batch) * inputs;
    sink += tf.tidy(() => forward(tf.tensor2d(stateBatches[k].subarray(row, row + inputs), [1, inputs])).dataSync()[0]);
  });
  return { trainUs, forwardUs, alive: tf.memory().numTensors };
}

const theirs = tf === null ? null : await measureTfjs(tf);

console.log(`mlp bench: [${inputs}, ${hidden}, ${outputs}] network, batch ${batch}, Adam ${rl.learningRate}; ${steps} training steps; CPU time (checksum ${sink.toFixed(1)})`);
console.log('| network | training step | forward, one state |');
console.log('| --- | ---: | ---: |');
console.log(`| Mlp (ours, float64) | ${oursTrainUs.toFixed(1)} µs | ${oursForwardUs.toFixed(2)} µs |`);
if (theirs === null) console.log(`| ${TFJS}: not installed (see the top of bench/mlp-bench.ts) | — | — |`);
else console.log(`| ${TFJS} (core ${tf?.version_core}), cpu backend (float32); ${theirs.alive} tensors alive after | ${theirs.trainUs.toFixed(1)} µs | ${theirs.forwardUs.toFixed(2)} µs |`);
console.log(
  JSON.stringify({
    bench: 'mlp',
    ours: { train_step_us: Number(oursTrainUs.toFixed(1)), forward_us: Number(oursForwardUs.toFixed(2)) },
    tfjs_cpu: theirs === null ? null : { train_step_us: Number(theirs.trainUs.toFixed(1)), forward_us: Number(theirs.forwardUs.toFixed(2)) },
  }),
);
