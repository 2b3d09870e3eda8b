import type { JumpableRandomGenerator } from 'pure-rand/types/JumpableRandomGenerator';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus, xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import { InvalidModelError } from './ml-errors.js';

/** The seeded generator the learned models draw from (mutable: drawing advances it). */
export type MlRandom = JumpableRandomGenerator;

/** A seed, or a generator the caller hands over (pass a clone or a jumped copy to keep your own stream). */
export type MlRandomSource = number | MlRandom;

/** Turns a seed into a fresh xoroshiro128+ generator; a generator is used as is. */
export function toRandom(source: MlRandomSource): MlRandom {
  return typeof source === 'number' ? xoroshiro128plus(source) : source;
}

/** Rebuilds a generator from `getState()`; rejects anything else with `ML.INVALID_MODEL`. */
export function randomFromState(state: unknown): MlRandom {
  if (!Array.isArray(state) || state.length !== 4 || !state.every((v) => Number.isInteger(v))) {
    throw new InvalidModelError('generator state must be four 32-bit integers');
  }
  return xoroshiro128plusFromState(state as number[]);
}

/** Uniform in [0, 1). */
export function nextUnit(rng: MlRandom): number {
  return uniformFloat64(rng);
}

/** Uniform integer in [0, n). */
export function nextIndex(rng: MlRandom, n: number): number {
  return uniformInt(rng, 0, n - 1);
}

/** Standard normal by Box-Muller (one value per call, the twin is dropped to keep no hidden state). */
export function nextGaussian(rng: MlRandom): number {
  // 1 - u keeps the logarithm away from zero.
  const u = 1 - uniformFloat64(rng);
  const v = uniformFloat64(rng);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
