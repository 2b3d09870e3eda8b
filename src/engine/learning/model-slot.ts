import type { PlacementModel } from './placement-model.js';

/** Facts about an installed hybrid_ml model. */
export interface ModelInfo {
  readonly version: number;
  /** Tasks processed when the model took effect. */
  readonly effectiveAtTask: number;
  readonly r2: number | null;
  readonly mae: number | null;
  readonly samples: number | null;
  readonly importances: number[];
}

/**
 * The hybrid_ml model the engine swaps in between tasks. A step reads `current` once, so a
 * swap is atomic from the strategy's point of view.
 */
export class ModelSlot {
  current: PlacementModel | null = null;
  info: ModelInfo | null = null;
}
