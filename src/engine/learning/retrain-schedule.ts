import type { LearningSpec } from '../config.js';

// An early model takes effect after at most a tenth of the labels it was trained on.
const EARLY_LAG_DIVISOR = 10;

type Schedule = Pick<LearningSpec, 'retrainInterval' | 'retrainLag' | 'minSamples'>;

/**
 * Whether hybrid_ml retrains once `labels` oracle labels exist: early on a doubling schedule
 * (minSamples, 2·minSamples, 4·minSamples … up to retrainInterval), then every retrainInterval
 * labels. A short run thus learns from its first tasks, and a long one retrains as before.
 */
export function isRetrainPoint(labels: number, spec: Schedule): boolean {
  if (labels <= 0) return false;
  if (labels % spec.retrainInterval === 0) return labels >= spec.minSamples;
  if (labels < spec.minSamples || labels > spec.retrainInterval) return false;
  const ratio = labels / spec.minSamples;
  return Number.isInteger(ratio) && (ratio & (ratio - 1)) === 0;
}

/**
 * Tasks between a retrain after `labels` labels and the task from which its model takes effect:
 * retrainLag from the first full interval on; before it, for an early retrain, a tenth of its labels
 * (at most retrainLag), so an early model is put to use within a few tasks (50 labels: 5 tasks
 * later) instead of one full lag later. A run waits for the few early fits it cannot hide; every
 * later one keeps the full lag. Models take effect in the order they were trained.
 */
export function retrainLagAt(labels: number, spec: Schedule): number {
  if (labels >= spec.retrainInterval) return spec.retrainLag;
  return Math.min(spec.retrainLag, Math.ceil(labels / EARLY_LAG_DIVISOR));
}
