// Runs in a worker thread (piscina): fits hybrid_ml's forest off the event loop.
import { trainWithHoldout } from '../engine/ml/forest/metrics.js';
import type { RegressionForestOptions } from '../engine/ml/forest/regression-forest.js';

export interface FitJob {
  rows: { features: number[]; label: number }[];
  options: RegressionForestOptions & { seed: number };
  holdoutFraction: number;
}

export interface FitOutcome {
  model: unknown;
  r2: number;
  mae: number;
  samples: number;
  importances: number[];
  durationMs: number;
}

/** Fits on 1 − holdoutFraction of the rows and scores R² and MAE on the rest. */
export default function fit(job: FitJob): FitOutcome {
  const started = performance.now();
  const result = trainWithHoldout(
    job.rows.map((r) => r.features),
    job.rows.map((r) => r.label),
    { ...job.options, holdoutFraction: job.holdoutFraction },
  );
  return {
    model: result.model.toJSON(),
    r2: result.r2,
    mae: result.mae,
    samples: result.samples,
    importances: result.importances,
    durationMs: performance.now() - started,
  };
}
