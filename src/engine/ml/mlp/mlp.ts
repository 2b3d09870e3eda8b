import { decodeFloat64, encodeArray, expectTagged, readInt, readNumber } from '../ml-codec.js';
import { InvalidMlOptionsError, InvalidModelError } from '../ml-errors.js';
import { type MlRandomSource, nextGaussian, nextUnit, toRandom } from '../ml-random.js';

/** Shape and optimiser settings of an {@link Mlp}. */
export interface MlpOptions {
  /** Layer widths: inputs, hidden layers (ReLU) …, outputs (linear). At least two entries. */
  layers: readonly number[];
  /** Adam step size [1e-3]. */
  learningRate?: number;
  /** Adam first-moment decay [0.9]. */
  beta1?: number;
  /** Adam second-moment decay [0.999]. */
  beta2?: number;
  /** Adam denominator guard [1e-8]. */
  epsilon?: number;
  /** Rescale the batch gradient to at most this global L2 norm; 0 turns clipping off [0]. */
  clipNorm?: number;
  /** Seed or generator for the initial weights [0]. */
  seed?: MlRandomSource;
}

/** The tagged JSON form of an {@link Mlp}; parameter and moment arrays are base64 of their bytes. */
export interface MlpJson {
  name: 'mlp';
  version: 1;
  layers: number[];
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  clipNorm: number;
  step: number;
  params: string;
  m: string;
  v: string;
}

/** A batch of inputs: one row per sample, or one flat row-major Float64Array of `count × inputSize`. */
export type MlpBatch = ReadonlyArray<ArrayLike<number>> | Float64Array;

const NAME = 'mlp';
const VERSION = 1;

/**
 * A small fully connected network (ReLU hidden layers, linear outputs) trained by Adam on a masked squared
 * error: each sample supervises a single output, as a Q-network needs. All buffers are allocated up front.
 * Parameters live in one Float64Array, per layer the weights (row-major, `out × in`) and then the biases.
 */
export class Mlp {
  /** All weights and biases. */
  readonly params: Float64Array;
  /** The gradient of the last {@link Mlp.lossAndGradient} or {@link Mlp.trainBatch}. */
  readonly grads: Float64Array;
  private readonly m: Float64Array;
  private readonly v: Float64Array;
  private readonly offsets: number[];
  private readonly activations: Float64Array[];
  private readonly deltas: Float64Array[];
  private step = 0;

  private constructor(
    readonly layers: readonly number[],
    private readonly learningRate: number,
    private readonly beta1: number,
    private readonly beta2: number,
    private readonly epsilon: number,
    private readonly clipNorm: number,
  ) {
    this.offsets = [0];
    for (let l = 0; l + 1 < layers.length; l++) {
      this.offsets.push(this.offsets[l] + layers[l + 1] * (layers[l] + 1));
    }
    const size = this.offsets[layers.length - 1];
    this.params = new Float64Array(size);
    this.grads = new Float64Array(size);
    this.m = new Float64Array(size);
    this.v = new Float64Array(size);
    this.activations = layers.map((width) => new Float64Array(width));
    this.deltas = layers.map((width) => new Float64Array(width));
  }

  /** Builds a network with He-normal hidden weights, Glorot-uniform output weights and zero biases. */
  static create(options: MlpOptions): Mlp {
    const { layers } = options;
    if (layers.length < 2 || !layers.every((w) => Number.isInteger(w) && w >= 1)) {
      throw new InvalidMlOptionsError(`layers must be at least two positive integers, got [${layers.join(', ')}]`);
    }
    const learningRate = options.learningRate ?? 1e-3;
    const clipNorm = options.clipNorm ?? 0;
    if (!(learningRate > 0) || !(clipNorm >= 0)) throw new InvalidMlOptionsError('learningRate must be > 0 and clipNorm ≥ 0');
    const sut = new Mlp([...layers], learningRate, options.beta1 ?? 0.9, options.beta2 ?? 0.999, options.epsilon ?? 1e-8, clipNorm);
    const rng = toRandom(options.seed ?? 0);
    for (let l = 0; l + 1 < layers.length; l++) {
      const fanIn = layers[l];
      const fanOut = layers[l + 1];
      const output = l + 2 === layers.length;
      // He suits ReLU layers; the linear output layer gets Glorot so initial Q-values stay small.
      const scale = output ? Math.sqrt(6 / (fanIn + fanOut)) : Math.sqrt(2 / fanIn);
      for (let k = sut.offsets[l], end = k + fanIn * fanOut; k < end; k++) {
        sut.params[k] = output ? (2 * nextUnit(rng) - 1) * scale : nextGaussian(rng) * scale;
      }
    }
    return sut;
  }

  /**
   * Rebuilds a network, optimiser state included, from {@link Mlp.toJSON} output.
   * @throws InvalidModelError (`ML.INVALID_MODEL`) on a wrong tag, version or shape
   */
  static load(json: unknown): Mlp {
    const record = expectTagged(json, NAME, VERSION);
    const layers = record.layers;
    if (!Array.isArray(layers) || layers.length < 2 || !layers.every((w) => Number.isInteger(w) && w >= 1 && w <= 1e5)) {
      throw new InvalidModelError('layers must be at least two positive integers');
    }
    const sut = new Mlp(
      layers as number[],
      readNumber(record, 'learningRate'),
      readNumber(record, 'beta1'),
      readNumber(record, 'beta2'),
      readNumber(record, 'epsilon'),
      readNumber(record, 'clipNorm'),
    );
    sut.step = readInt(record, 'step', 0);
    const size = sut.params.length;
    sut.params.set(decodeFloat64(record.params, 'params', size));
    sut.m.set(decodeFloat64(record.m, 'm', size));
    sut.v.set(decodeFloat64(record.v, 'v', size));
    return sut;
  }

  get inputSize(): number {
    return this.layers[0];
  }

  get outputSize(): number {
    return this.layers[this.layers.length - 1];
  }

  /** Output for the input starting at `offset` of `x`, written into `out` when given (no allocation then). */
  forward(x: ArrayLike<number>, out: Float64Array = new Float64Array(this.outputSize), offset = 0): Float64Array {
    out.set(this.forwardAt(x, offset));
    return out;
  }

  /**
   * Loss ½·mean((output[idx] − target)²) over the batch, and its gradient in {@link Mlp.grads}; no update.
   * @param count samples to use (defaults to `outputIdx.length`)
   */
  lossAndGradient(states: MlpBatch, outputIdx: ArrayLike<number>, targets: ArrayLike<number>, count = outputIdx.length): number {
    const { grads, layers, offsets, activations, deltas, params } = this;
    grads.fill(0);
    const flat = states instanceof Float64Array;
    const last = layers.length - 1;
    let loss = 0;
    for (let s = 0; s < count; s++) {
      const output = flat ? this.forwardAt(states, s * layers[0]) : this.forwardAt(states[s], 0);
      const k = outputIdx[s];
      const error = output[k] - targets[s];
      loss += 0.5 * error * error;
      deltas[last].fill(0);
      deltas[last][k] = error / count;
      for (let l = last - 1; l >= 0; l--) {
        const fanIn = layers[l];
        const fanOut = layers[l + 1];
        const input = activations[l];
        const dOut = deltas[l + 1];
        const dIn = deltas[l];
        if (l > 0) dIn.fill(0);
        const bias = offsets[l] + fanIn * fanOut;
        for (let j = 0; j < fanOut; j++) {
          const d = dOut[j];
          if (d === 0) continue;
          grads[bias + j] += d;
          const row = offsets[l] + j * fanIn;
          if (l === 0) {
            for (let i = 0; i < fanIn; i++) grads[row + i] += d * input[i];
          } else {
            for (let i = 0; i < fanIn; i++) {
              grads[row + i] += d * input[i];
              dIn[i] += params[row + i] * d;
            }
          }
        }
        // ReLU passes gradient only where it was active.
        if (l > 0) for (let i = 0; i < fanIn; i++) if (input[i] <= 0) dIn[i] = 0;
      }
    }
    return loss / count;
  }

  /** One Adam step on the batch (see {@link Mlp.lossAndGradient}); returns the loss before the step. */
  trainBatch(states: MlpBatch, outputIdx: ArrayLike<number>, targets: ArrayLike<number>, count = outputIdx.length): number {
    const loss = this.lossAndGradient(states, outputIdx, targets, count);
    const { grads, params, m, v, beta1, beta2, epsilon } = this;
    let scale = 1;
    if (this.clipNorm > 0) {
      let squared = 0;
      for (let k = 0; k < grads.length; k++) squared += grads[k] * grads[k];
      const norm = Math.sqrt(squared);
      if (norm > this.clipNorm) scale = this.clipNorm / norm;
    }
    this.step++;
    const correction1 = 1 - Math.pow(beta1, this.step);
    const correction2 = 1 - Math.pow(beta2, this.step);
    const rate = this.learningRate;
    for (let k = 0; k < params.length; k++) {
      const g = grads[k] * scale;
      m[k] = beta1 * m[k] + (1 - beta1) * g;
      v[k] = beta2 * v[k] + (1 - beta2) * g * g;
      params[k] -= (rate * (m[k] / correction1)) / (Math.sqrt(v[k] / correction2) + epsilon);
    }
    return loss;
  }

  /** Copies another network's parameters (not its optimiser state): how a target network is synced. */
  copyFrom(other: Mlp): void {
    if (other.layers.join() !== this.layers.join()) {
      throw new InvalidMlOptionsError(`cannot copy [${other.layers.join(', ')}] into [${this.layers.join(', ')}]`);
    }
    this.params.set(other.params);
  }

  /** The tagged, JSON-safe form, optimiser moments included. */
  toJSON(): MlpJson {
    return {
      name: NAME,
      version: VERSION,
      layers: [...this.layers],
      learningRate: this.learningRate,
      beta1: this.beta1,
      beta2: this.beta2,
      epsilon: this.epsilon,
      clipNorm: this.clipNorm,
      step: this.step,
      params: encodeArray(this.params),
      m: encodeArray(this.m),
      v: encodeArray(this.v),
    };
  }

  /** Runs the input row starting at `offset` of `source`; returns the internal output buffer. */
  private forwardAt(source: ArrayLike<number>, offset: number): Float64Array {
    const { layers, offsets, activations, params } = this;
    const input = activations[0];
    for (let i = 0; i < layers[0]; i++) input[i] = source[offset + i];
    const last = layers.length - 1;
    for (let l = 0; l < last; l++) {
      const fanIn = layers[l];
      const fanOut = layers[l + 1];
      const from = activations[l];
      const to = activations[l + 1];
      const bias = offsets[l] + fanIn * fanOut;
      for (let j = 0; j < fanOut; j++) {
        const row = offsets[l] + j * fanIn;
        // Four running sums break the add-latency chain of a single accumulator (about 2× faster).
        let z0 = 0;
        let z1 = 0;
        let z2 = 0;
        let z3 = 0;
        let i = 0;
        for (; i + 3 < fanIn; i += 4) {
          z0 += params[row + i] * from[i];
          z1 += params[row + i + 1] * from[i + 1];
          z2 += params[row + i + 2] * from[i + 2];
          z3 += params[row + i + 3] * from[i + 3];
        }
        for (; i < fanIn; i++) z0 += params[row + i] * from[i];
        const z = params[bias + j] + (z0 + z1 + (z2 + z3));
        to[j] = l + 1 < last && z < 0 ? 0 : z;
      }
    }
    return activations[last];
  }
}
