// Runs in a worker thread (piscina): fits hybrid_ml's model off the event loop.
import { PlacementModel, type ModelFitOptions } from '../../engine/index.js';

export interface FitJob {
  rows: { features: number[]; label: number }[];
  options: ModelFitOptions;
  holdoutFraction: number;
}

export interface FitOutcome {
  /**
   * The model's tagged JSON (PlacementModel.toJSON()) as an object: its arrays are packed in
   * base64 strings well below 128 KB each, which cross between threads cheaply; the same model as
   * one JSON string (over 128 KB at 1,000 rows) costs several times more to cross (decision 070).
   */
  model: unknown;
  r2: number | null;
  mae: number | null;
  samples: number;
  importances: number[];
  durationMs: number;
}

/** Fits on 1 − holdoutFraction of the rows and scores R² and MAE on the rest. */
export default function fit(job: FitJob): FitOutcome {
  const started = performance.now();
  const result = PlacementModel.fit(
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
