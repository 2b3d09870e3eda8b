import type { LearningSpec } from '../config.js';
import { InvalidStateError } from '../errors.js';
import { nextSeed, type Rng } from '../random/rng-streams.js';
import type { SavedModel } from '../engine-state.js';
import { ModelSlot, type ModelInfo } from './model-slot.js';
import { PlacementModel, type PlacementFitOptions } from './placement-model.js';
import type { TrainingRow } from './training-window.js';

type PendingModel = SavedModel & { readonly effectiveAtTask: number; readonly model: PlacementModel };

/** A fit's options but the held-out share (which the caller decides). */
export type ModelFitOptions = Omit<PlacementFitOptions, 'holdoutFraction'>;

/** Facts an external trainer may report with its model. */
export type ModelDetails = Partial<Pick<ModelInfo, 'r2' | 'mae' | 'samples' | 'importances'>>;

/**
 * Owns hybrid_ml's model: fits it inline, or queues externally fitted models until the task at
 * which they take effect, and swaps them into the slot between tasks.
 */
export class ModelManager {
  readonly slot = new ModelSlot();
  private version = 0;
  private json: unknown = null;
  private pending: PendingModel[] = [];

  constructor(
    private readonly spec: LearningSpec,
    private readonly rng: Rng,
    private readonly gpuSpeedupPerIntensity: number,
  ) {}

  get modelVersion(): number {
    return this.version;
  }

  /** Options for a fit, with a fresh seed drawn from the learner stream. */
  forestOptions(): ModelFitOptions {
    const { nTrees, maxDepth, minSamplesSplit, minSamplesLeaf, maxFeatures, bootstrap } = this.spec.forest;
    return {
      nTrees,
      maxDepth,
      minSamplesSplit,
      minSamplesLeaf,
      bootstrap,
      maxFeatures: maxFeatures > 0 ? maxFeatures : undefined,
      seed: nextSeed(this.rng),
      gpuSpeedupPerIntensity: this.gpuSpeedupPerIntensity,
    };
  }

  /**
   * Fits on `rows` now (holding out holdoutFraction for R² and MAE) and installs the model, in
   * effect at once or, when `effectiveAtTask` lies ahead, queued until that task.
   */
  fitNow(rows: readonly TrainingRow[], atTask: number, effectiveAtTask = atTask): ModelInfo {
    const fit = PlacementModel.fit(
      rows.map((row) => row.features),
      rows.map((row) => row.label),
      { ...this.forestOptions(), holdoutFraction: this.spec.holdoutFraction },
    );
    const details = { r2: fit.r2 ?? undefined, mae: fit.mae ?? undefined, samples: fit.samples, importances: fit.importances };
    if (effectiveAtTask <= atTask) return this.swap(fit.model, atTask, details);
    return this.queue(fit.model, fit.model.toJSON(), effectiveAtTask, details);
  }

  /**
   * Installs a model given as PlacementModel JSON, effective from task `effectiveAtTask`
   * (now when omitted or already reached).
   * @throws InvalidModelError (ML.INVALID_MODEL) when the JSON is not a placement model.
   */
  install(json: unknown, tasksProcessed: number, effectiveAtTask = tasksProcessed, details: ModelDetails = {}): ModelInfo {
    const model = PlacementModel.load(json);
    if (effectiveAtTask <= tasksProcessed) return this.swap(model, tasksProcessed, details, json);
    return this.queue(model, json, effectiveAtTask, details);
  }

  /** Swaps in every queued model due by task `index`; called before each step. */
  applyDue(index: number): void {
    while (this.pending.length > 0 && this.pending[0].effectiveAtTask <= index) {
      const next = this.pending.shift() as PendingModel;
      this.slot.current = next.model;
      this.slot.info = next.info;
      this.json = next.json;
    }
  }

  toJSON(): { modelVersion: number; model: SavedModel | null; pendingModels: (SavedModel & { effectiveAtTask: number })[] } {
    return {
      modelVersion: this.version,
      model: this.slot.info === null ? null : { json: this.json ?? this.slot.current?.toJSON(), info: this.slot.info },
      pendingModels: this.pending.map(({ json, info, effectiveAtTask }) => ({ json, info, effectiveAtTask })),
    };
  }

  restore(state: { modelVersion: number; model: SavedModel | null; pendingModels: (SavedModel & { effectiveAtTask: number })[] }): void {
    if (!Number.isInteger(state.modelVersion)) throw new InvalidStateError('model version is missing');
    this.version = state.modelVersion;
    if (state.model !== null) {
      this.slot.current = PlacementModel.load(state.model.json);
      this.slot.info = state.model.info;
      this.json = state.model.json;
    }
    this.pending = state.pendingModels.map((p) => ({ ...p, model: PlacementModel.load(p.json) }));
  }

  private queue(model: PlacementModel, json: unknown, effectiveAtTask: number, details: ModelDetails): ModelInfo {
    const info = this.info(++this.version, effectiveAtTask, details, model);
    this.pending.push({ json, info, effectiveAtTask, model });
    this.pending.sort((a, b) => a.effectiveAtTask - b.effectiveAtTask);
    return info;
  }

  // Inline fits pass no JSON: it is encoded only if a snapshot asks for it.
  private swap(model: PlacementModel, atTask: number, details: ModelDetails, json: unknown = null): ModelInfo {
    const info = this.info(++this.version, atTask, details, model);
    // One assignment each, between tasks: hybrid_ml sees either the old model or the new one.
    this.slot.current = model;
    this.slot.info = info;
    this.json = json;
    return info;
  }

  private info(version: number, effectiveAtTask: number, details: ModelDetails, model: PlacementModel): ModelInfo {
    return {
      version,
      effectiveAtTask,
      r2: details.r2 ?? null,
      mae: details.mae ?? null,
      samples: details.samples ?? model.nSamples,
      importances: details.importances ?? model.featureImportances(),
    };
  }
}
