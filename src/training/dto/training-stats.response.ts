import { ApiProperty } from '@nestjs/swagger';
import type { StoredModelVersion } from '../model-version.entity.js';

export class LabelBin {
  @ApiProperty({ description: 'Lower edge (inclusive), GPU fraction 0-1' }) from: number;
  @ApiProperty({ description: 'Upper edge, GPU fraction 0-1; exclusive, except the last bin which includes 1' }) to: number;
  @ApiProperty({ description: 'Samples whose label falls in the bin, samples' }) count: number;
}

export class TrainingStatsResponse {
  @ApiProperty({ description: 'Run id' }) runId: number;
  @ApiProperty({ description: 'Training samples stored for the run, samples' }) count: number;
  @ApiProperty({ nullable: true, type: Number, description: 'Mean optimal GPU fraction (the label), fraction 0-1; null without samples' }) meanLabel: number | null;
  @ApiProperty({ nullable: true, type: Number, description: 'Smallest label, fraction 0-1; null without samples' }) minLabel: number | null;
  @ApiProperty({ nullable: true, type: Number, description: 'Largest label, fraction 0-1; null without samples' }) maxLabel: number | null;
  @ApiProperty({ nullable: true, type: Number, description: "Sample standard deviation of the label, fraction 0-1; null with fewer than two samples" }) stddevLabel: number | null;
  @ApiProperty({ description: 'Samples whose best placement is the CPU alone (label 0), samples' }) cpuOnly: number;
  @ApiProperty({ description: 'Samples whose best placement is the GPU alone (label 1), samples' }) gpuOnly: number;
  @ApiProperty({ type: [LabelBin], description: 'Label distribution in 10 bins of width 0.1' }) labelDistribution: LabelBin[];
}

export class ModelVersionResponse {
  @ApiProperty({ description: 'Model version, 1 for the first fit of the run' }) version: number;
  @ApiProperty({ description: 'Task index whose label completed the training window' }) trainedAtTask: number;
  @ApiProperty({ description: 'Labelled samples in its training window, samples' }) samples: number;
  @ApiProperty({ nullable: true, type: Number, description: 'R² of the predicted GPU fraction on the 20% hold-out, unitless (1 is perfect)' }) r2: number | null;
  @ApiProperty({ nullable: true, type: Number, description: 'Mean absolute error of the predicted GPU fraction on the hold-out, fraction 0-1' }) mae: number | null;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' }, description: 'Per feature, its share of the forest\'s impurity decrease, fraction 0-1 (they sum to 1)' })
  featureImportances: Record<string, number>;
  @ApiProperty({ description: 'Wall time of the fit, ms' }) durationMs: number;
  @ApiProperty() trainedAt: string;
  @ApiProperty({
    description:
      "Whether the version's serialised forest is still stored: the continuous run keeps only its last RETAIN_MODELS and every RETAIN_MODELS_EVERYth (GET /api/training/model/:version answers 410 for the others)",
  })
  modelRetained: boolean;

  static from(m: StoredModelVersion): ModelVersionResponse {
    const { version, trainedAtTask, samples, r2, mae, featureImportances, durationMs, modelRetained } = m;
    return { version, trainedAtTask, samples, r2, mae, featureImportances, durationMs, trainedAt: m.trainedAt.toISOString(), modelRetained };
  }
}

export class ModelResponse {
  @ApiProperty({ description: 'Run id' }) runId: number;
  @ApiProperty({ type: ModelVersionResponse, nullable: true, description: 'The newest version; null before the first training' })
  current: ModelVersionResponse | null;
  @ApiProperty({ type: [ModelVersionResponse], description: 'Every version, newest first (current included), at most `limit`' })
  history: ModelVersionResponse[];
}

export class ModelJsonResponse {
  @ApiProperty({ description: 'Run id' }) runId: number;
  @ApiProperty({ description: 'Model version' }) version: number;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The serialised regression forest (PlacementModel.toJSON)' }) model: unknown;
}
