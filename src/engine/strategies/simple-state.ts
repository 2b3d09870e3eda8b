import { InvalidStateError } from '../errors.js';

/** Reads a `{ name, ...fields }` strategy state, rejecting a state saved by another strategy. */
export function expectStrategyState(state: unknown, name: string): Record<string, unknown> {
  if (state === null || typeof state !== 'object' || (state as { name?: unknown }).name !== name) {
    throw new InvalidStateError(`state is not a ${name} strategy state`);
  }
  return state as Record<string, unknown>;
}
