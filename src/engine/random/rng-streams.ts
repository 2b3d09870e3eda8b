import { xoroshiro128plus, xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import type { JumpableRandomGenerator } from 'pure-rand/types/JumpableRandomGenerator';
import { InvalidStateError } from '../errors.js';

/** A mutable seeded generator (pure-rand xoroshiro128+). */
export type Rng = JumpableRandomGenerator;

/** Saved form of a set of streams: stream name → generator state. */
export type RngStreamsState = Record<string, number[]>;

/**
 * Named, independent random streams derived from one seed: stream k is the base generator
 * jumped k+1 times (2^64 steps apart), so streams never overlap. The order of `names` fixes
 * which stream gets which jump count, so callers pass a stable list.
 */
export class RngStreams {
  private constructor(private readonly streams: Map<string, Rng>) {}

  /** Derives one stream per name from `seed`. */
  static fromSeed(seed: number, names: readonly string[]): RngStreams {
    const base = xoroshiro128plus(seed);
    const streams = new Map<string, Rng>();
    for (const name of names) {
      base.jump();
      streams.set(name, base.clone());
    }
    return new RngStreams(streams);
  }

  /** Rebuilds streams from `toJSON()` output. */
  static restore(state: unknown): RngStreams {
    if (state === null || typeof state !== 'object') throw new InvalidStateError('rng state must be an object');
    const streams = new Map<string, Rng>();
    for (const [name, value] of Object.entries(state)) {
      if (!Array.isArray(value) || value.length !== 4 || !value.every(Number.isInteger)) {
        throw new InvalidStateError(`rng stream "${name}" has an invalid state`);
      }
      streams.set(name, xoroshiro128plusFromState(value));
    }
    return new RngStreams(streams);
  }

  /** The live generator of a stream (mutated by every draw). */
  get(name: string): Rng {
    const rng = this.streams.get(name);
    if (rng === undefined) throw new InvalidStateError(`no random stream named "${name}"`);
    return rng;
  }

  toJSON(): RngStreamsState {
    const out: RngStreamsState = {};
    for (const [name, rng] of this.streams) out[name] = [...rng.getState()];
    return out;
  }
}

/** Restores one generator from its saved state. */
export function rngFromState(state: unknown): Rng {
  if (!Array.isArray(state) || state.length !== 4 || !state.every(Number.isInteger)) throw new InvalidStateError('invalid generator state');
  return xoroshiro128plusFromState(state);
}

/** Uniform in [0, 1). */
export function uniform(rng: Rng): number {
  return uniformFloat64(rng);
}

/** Uniform integer in [from, to], both included. */
export function uniformInteger(rng: Rng, from: number, to: number): number {
  return uniformInt(rng, from, to);
}

/** A 32-bit unsigned seed for a child learner. */
export function nextSeed(rng: Rng): number {
  return rng.next() >>> 0;
}

/** Exponential(rate) by inversion; 1 − u keeps the log argument in (0, 1]. */
export function exponential(rng: Rng, rate: number): number {
  return -Math.log(1 - uniformFloat64(rng)) / rate;
}

/**
 * Normal(mean, std) by Box–Muller. The spare variate is dropped on purpose: caching it would
 * be hidden state outside the generator, and the saved state must be the generator alone.
 */
export function normal(rng: Rng, mean: number, std: number): number {
  const u1 = 1 - uniformFloat64(rng);
  const u2 = uniformFloat64(rng);
  return mean + std * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/** numpy-style Pareto (Lomax): (1 − u)^(−1/shape) − 1, support [0, ∞); add 1 for the classical Pareto. */
export function pareto(rng: Rng, shape: number): number {
  return Math.pow(1 - uniformFloat64(rng), -1 / shape) - 1;
}
